/* LIF-6: open the acknowledgement pop-up as soon as the DSFR has initialised the modal.
 * Loaded by invoicing/issued/_acknowledgement_modal.html only when the pop-up is shown. */
(function () {
  "use strict";
  var tries = 0;
  function open() {
    var modal = document.getElementById("acknowledgement-modal");
    try {
      var instance = modal && window.dsfr ? window.dsfr(modal) : null;
      if (instance && instance.modal) { instance.modal.disclose(); }
    } catch (error) { /* the DSFR is still starting */ }
    /* Until the DSFR has retrieved the modal, disclose() does nothing: try again. */
    if (!(modal && modal.classList.contains("fr-modal--opened")) && tries++ < 600) {
      window.setTimeout(open, 100);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", open);
  } else {
    open();
  }
})();
