/* Scanning an asset tag with the device's camera, where the browser offers it (the Barcode Detection API:
   phones and tablets with Chrome, Edge, Samsung Internet…). A "scan with the camera" button is added to each
   scan box marked data-camera; the picture stays on the device (nothing is sent but the tag read), the tag read
   fills the box and the box is sent, as if typed. Without the API, or without scripts, the box is typed into or
   filled by a barcode reader, as before. Texts come from the form's data- attributes (the page's language). */
(function () {
  "use strict";
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  var WANTED = ["code_128", "code_39", "qr_code", "ean_13", "data_matrix"];

  function setUp(form) {
    var input = form.querySelector("[data-scan-input]");
    if (!input) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button--secondary scan-camera__button";
    button.textContent = form.getAttribute("data-camera-label");
    var status = document.createElement("p");
    status.className = "scan-camera__status";
    status.setAttribute("role", "status");
    var video = document.createElement("video");
    video.className = "scan-camera__video";
    video.setAttribute("playsinline", "");
    video.muted = true;
    video.hidden = true;
    form.appendChild(button);
    form.parentNode.insertBefore(status, form.nextSibling);
    form.parentNode.insertBefore(video, status.nextSibling);
    var stream = null;
    var running = false;

    function stop() {
      running = false;
      if (stream) {
        stream.getTracks().forEach(function (track) { track.stop(); });
      }
      stream = null;
      video.hidden = true;
      button.textContent = form.getAttribute("data-camera-label");
    }

    function found(value) {
      stop();
      input.value = value;
      status.textContent = form.getAttribute("data-camera-found") + " " + value;
      if (form.requestSubmit) {
        form.requestSubmit();
      } else {
        form.submit();
      }
    }

    button.addEventListener("click", function () {
      if (running) {
        stop();
        status.textContent = "";
        return;
      }
      BarcodeDetector.getSupportedFormats().then(function (formats) {
        var usable = WANTED.filter(function (f) { return formats.indexOf(f) !== -1; });
        var detector = new BarcodeDetector(usable.length ? { formats: usable } : undefined);
        return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
          .then(function (media) {
            stream = media;
            running = true;
            video.srcObject = media;
            video.hidden = false;
            button.textContent = form.getAttribute("data-camera-stop");
            status.textContent = form.getAttribute("data-camera-aim");
            return video.play().then(function () {
              (function look() {
                if (!running) {
                  return;
                }
                detector.detect(video).then(function (codes) {
                  var code = codes.find(function (c) { return c.rawValue; });
                  if (code) {
                    found(code.rawValue.trim());
                  } else {
                    window.setTimeout(look, 150);
                  }
                }, function () { window.setTimeout(look, 300); });
              })();
            });
          });
      }).catch(function () {
        stop();
        status.textContent = form.getAttribute("data-camera-error");
      });
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-camera]"), setUp);
})();
