// A button marked data-print prints the page (no inline script: Content-Security-Policy).
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
