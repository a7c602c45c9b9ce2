/* Registers the service worker (home/webapp.py): it keeps only the page saying how to reach the
   office when there is no connection. Progressive: without JavaScript, or in a browser without
   service workers, the site works exactly the same, minus that offline page. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.isSecureContext) {
    return;
  }
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
      /* No offline page this time: nothing else depends on it. */
    });
  });
})();
