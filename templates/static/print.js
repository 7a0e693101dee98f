// Shows the "Print this routine" buttons (hidden without JavaScript) and wires them to the print dialog.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
