/* Form page editor: Wagtail's slug script keeps only letters and digits, so a Thai title loses its
   vowel and tone marks (ขอใช้ -> ขอใช). After Wagtail writes the slug, write it again from the same
   text keeping combining marks, as forms_builder.slugs.slugify_keep_marks does on the server. */
(function () {
  "use strict";
  function keepMarks(text) {
    return text.normalize("NFC").toLowerCase()
      .replace(/[^\p{L}\p{N}\p{Mn}\p{Mc}_\s-]/gu, "")
      .replace(/[-\s]+/g, "-")
      .replace(/^[-_]+|[-_]+$/g, "")
      .substring(0, 255);
  }
  document.addEventListener("w-slug:applied", function (event) {
    var input = event.target;
    var source = event.detail && event.detail.sourceValue;
    if (!input.hasAttribute("data-fb-keep-marks") || !source) { return; }
    var slug = keepMarks(source);
    if (slug) { input.value = slug; }
  });
})();
