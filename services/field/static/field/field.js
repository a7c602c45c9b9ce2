/* The field view's small helps; everything works without them.
   - Jobs: "Sort by distance" asks the phone for its position and sends it in the GET form.
   - Job: a photo over the server's limit is refused here, before a weak connection spends minutes
     sending it; the note is kept in this browser until the server says it has it. */
(function () {
  "use strict";

  var locate = document.querySelector("[data-field-locate]");
  if (locate && "geolocation" in navigator) {
    locate.hidden = false;
    locate.addEventListener("submit", function (event) {
      if (locate.elements.lat.value && locate.elements.lon.value) return;
      event.preventDefault();
      var button = locate.querySelector("button");
      var message = locate.querySelector(".field-locate-message");
      message.textContent = button.getAttribute("data-locating");
      navigator.geolocation.getCurrentPosition(
        function (position) {
          locate.elements.lat.value = position.coords.latitude.toFixed(6);
          locate.elements.lon.value = position.coords.longitude.toFixed(6);
          locate.submit();
        },
        function () {
          message.textContent = button.getAttribute("data-refused");
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }

  var report = document.querySelector("[data-field-report]");
  if (!report) return;

  function sizeProblem(input) {
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    var box = input.parentNode.querySelector("[data-size-error]");
    var file = input.files && input.files[0];
    var tooBig = Boolean(file && limit && file.size > limit);
    if (box) {
      box.hidden = !tooBig;
      box.textContent = tooBig ? input.getAttribute("data-too-big") : "";
      if (tooBig) box.setAttribute("role", "alert");
    }
    input.setAttribute("aria-invalid", tooBig ? "true" : "false");
    return tooBig;
  }

  var photos = report.querySelectorAll('input[type="file"][data-max-bytes]');
  Array.prototype.forEach.call(photos, function (input) {
    input.addEventListener("change", function () {
      if (sizeProblem(input)) input.value = "";
    });
  });

  var key = "field-note-" + report.getAttribute("data-field-report");
  var note = report.querySelector("textarea[name=note]");
  var store = null;
  try {
    store = window.localStorage;
  } catch (error) {
    store = null; // private mode: the server's re-rendered form still keeps the note
  }
  if (store && note) {
    if (report.hasAttribute("data-saved")) {
      store.removeItem(key); // the server confirmed: its copy is the one that counts
    } else if (!note.value && store.getItem(key)) {
      note.value = store.getItem(key); // a send that never arrived: the words are back
    }
    note.addEventListener("input", function () {
      if (note.value) store.setItem(key, note.value);
      else store.removeItem(key);
    });
  }

  report.addEventListener("submit", function (event) {
    var refused = false;
    Array.prototype.forEach.call(photos, function (input) {
      if (sizeProblem(input)) refused = true;
    });
    if (refused) {
      event.preventDefault();
      return;
    }
    if (store && note && note.value) store.setItem(key, note.value);
  });
})();
