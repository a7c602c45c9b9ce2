/* "Listen to this page": the browser reads the page's main content aloud with its own speech
   synthesis, in the page's language. The button (base.html) starts hidden and is shown only when
   the browser has a voice for that language; without JavaScript it stays hidden. */
(function () {
  "use strict";
  var box = document.querySelector("[data-listen]");
  if (!box || !("speechSynthesis" in window) || typeof window.SpeechSynthesisUtterance !== "function") {
    return;
  }
  var synth = window.speechSynthesis;
  var button = box.querySelector("button");
  var main = document.getElementById("main");
  var language = (document.documentElement.lang || "").toLowerCase();
  var startLabel = button.textContent;
  var stopLabel = button.getAttribute("data-stop-label") || startLabel;
  var voice = null;
  var speaking = false;
  var run = 0;  // cancelling a reading fires its pieces' end and error events later: ignore old runs
  // Long utterances stop half-way in some browsers: speak the page a piece at a time.
  var PIECE = 220;

  function baseLanguage(code) {
    return String(code || "").toLowerCase().replace("_", "-").split("-")[0];
  }

  function findVoice() {
    var voices = synth.getVoices() || [];
    var exact = null;
    var close = null;
    for (var i = 0; i < voices.length; i++) {
      var code = String(voices[i].lang || "").toLowerCase().replace("_", "-");
      if (code === language && !exact) {
        exact = voices[i];
      } else if (baseLanguage(code) === baseLanguage(language) && !close) {
        close = voices[i];
      }
    }
    return exact || close;
  }

  function update() {
    voice = findVoice();
    box.hidden = !voice;
    if (!voice && speaking) {
      stop();
    }
  }

  function pieces() {
    var parts = [];
    var children = main ? main.children : [];
    for (var i = 0; i < children.length; i++) {
      var element = children[i];
      if (element === box || element.matches("script, style, form, nav, [hidden], [aria-hidden='true']")) {
        continue;
      }
      var lines = (element.innerText || "").split(/\n+/);
      for (var j = 0; j < lines.length; j++) {
        var line = lines[j].replace(/\s+/g, " ").trim();
        while (line.length > PIECE) {
          var cut = line.lastIndexOf(" ", PIECE);
          if (cut < PIECE / 2) {
            cut = PIECE;
          }
          parts.push(line.slice(0, cut));
          line = line.slice(cut).trim();
        }
        if (line) {
          parts.push(line);
        }
      }
    }
    return parts;
  }

  function show(on) {
    speaking = on;
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? stopLabel : startLabel;
  }

  function stop() {
    run += 1;
    synth.cancel();
    show(false);
  }

  function start() {
    var parts = pieces();
    if (!parts.length || !voice) {
      return;
    }
    synth.cancel();
    run += 1;
    var mine = run;
    show(true);
    parts.forEach(function (text, index) {
      var utterance = new window.SpeechSynthesisUtterance(text);
      utterance.lang = voice.lang || language;
      try {
        utterance.voice = voice;
      } catch (error) {
        /* Not a voice object the browser knows: the language alone chooses one. */
      }
      if (index === parts.length - 1) {
        utterance.onend = function () { if (mine === run) { show(false); } };
      }
      utterance.onerror = function () { if (mine === run) { show(false); } };
      synth.speak(utterance);
    });
  }

  button.addEventListener("click", function () {
    if (speaking) {
      stop();
    } else {
      start();
    }
  });
  window.addEventListener("pagehide", function () { synth.cancel(); });
  update();
  if (typeof synth.addEventListener === "function") {
    synth.addEventListener("voiceschanged", update);
  }
})();
