/* Reference previews: hovering, focusing or tapping a citation number shows
   its reference (design, authors, year, title, finding) in a popover, read
   from the page's own reference list; nothing is fetched. The popover is
   positioned over the page (no layout shift). Escape closes it; on a touch
   screen the first tap opens it (with a link to the reference), a second tap
   on the number follows the link. Without JavaScript the number is a plain
   link to the reference list. Text is copied with textContent only. */
(function () {
  "use strict";
  var links = document.querySelectorAll('sup.cite a[href^="#ref-"]');
  if (!links.length) return;
  var box = null;
  var current = null;
  var hideTimer = 0;
  var lastPointer = "";

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  function text(item, selector) {
    var found = item.querySelector(selector);
    return found ? found.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function popover() {
    if (box) return box;
    box = el("div", "cite-preview");
    box.id = "cite-preview";
    box.hidden = true;
    box.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    box.addEventListener("mouseleave", function () { later(); });
    box.addEventListener("focusout", function (event) {
      if (!box.contains(event.relatedTarget) && event.relatedTarget !== current) hide();
    });
    document.body.appendChild(box);
    return box;
  }

  function fill(link, item) {
    var b = popover();
    while (b.firstChild) b.removeChild(b.firstChild);
    var number = item.getAttribute("value") || item.id.replace("ref-", "");
    var design = text(item, ".ref-design");
    var head = el("p", "cite-preview-head", "Reference " + number + (design ? " · " + design : ""));
    b.appendChild(head);
    var source = el("p", "cite-preview-source");
    source.appendChild(document.createTextNode(
      text(item, ".ref-authors") + " (" + text(item, ".ref-year") + "). "));
    source.appendChild(el("cite", "", text(item, ".ref-title")));
    b.appendChild(source);
    var finding = text(item, ".ref-finding");
    if (finding) b.appendChild(el("p", "cite-preview-finding", finding));
    var go = el("a", "cite-preview-go", "Go to reference " + number);
    go.href = link.getAttribute("href");
    go.addEventListener("click", function () { hide(); });
    var line = el("p", "cite-preview-link");
    line.appendChild(go);
    b.appendChild(line);
  }

  function place(link) {
    var b = box;
    var rect = link.getBoundingClientRect();
    var page = document.documentElement.clientWidth;
    b.style.left = "0px";
    b.style.top = "0px";
    var width = b.offsetWidth;
    var left = Math.max(8, Math.min(rect.left + rect.width / 2 - width / 2, page - width - 8));
    var below = rect.bottom + 8;
    var fits = below + b.offsetHeight <= window.innerHeight || rect.top - b.offsetHeight - 8 < 0;
    var top = fits ? below : rect.top - b.offsetHeight - 8;
    b.style.left = Math.round(left + window.scrollX) + "px";
    b.style.top = Math.round(top + window.scrollY) + "px";
  }

  function show(link) {
    var item = document.getElementById(link.getAttribute("href").slice(1));
    if (!item) return;
    clearTimeout(hideTimer);
    if (current && current !== link) current.removeAttribute("aria-describedby");
    fill(link, item);
    current = link;
    box.hidden = false;
    link.setAttribute("aria-describedby", box.id);
    place(link);
  }

  function hide() {
    clearTimeout(hideTimer);
    if (!box || box.hidden) return;
    box.hidden = true;
    if (current) current.removeAttribute("aria-describedby");
    current = null;
  }

  function later() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 300); /* time to move the pointer onto the popover */
  }

  Array.prototype.forEach.call(links, function (link) {
    link.addEventListener("pointerdown", function (event) { lastPointer = event.pointerType; });
    link.addEventListener("mouseenter", function () { if (lastPointer !== "touch") show(link); });
    link.addEventListener("mouseleave", function () { if (current === link) later(); });
    link.addEventListener("focus", function () {
      if (lastPointer !== "touch" && lastPointer !== "pen") show(link); /* a tap: see click */
    });
    link.addEventListener("blur", function (event) {
      if (!box || !box.contains(event.relatedTarget)) later();
    });
    link.addEventListener("click", function (event) {
      var touched = lastPointer === "touch" || lastPointer === "pen";
      lastPointer = "";
      if (!touched) { hide(); return; } /* a mouse or keyboard follows the link */
      if (current === link && !box.hidden) { hide(); return; } /* second tap: go */
      event.preventDefault();
      show(link);
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !box || box.hidden) return;
    var back = current;
    hide();
    if (back && box.contains(document.activeElement)) back.focus();
  });
  document.addEventListener("pointerdown", function (event) {
    if (!box || box.hidden) return;
    if (box.contains(event.target) || (current && current.contains(event.target))) return;
    hide();
  });
  window.addEventListener("resize", function () { if (current && !box.hidden) place(current); });
})();
