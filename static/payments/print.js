// «Распечатать»: the browser's print dialog. The button stays hidden without JavaScript
// (the browser's own «Печать» prints the same page; the print stylesheet drops the menu).
(function () {
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();
