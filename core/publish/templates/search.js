(function () {
  "use strict";
  var boxes = document.querySelectorAll("[data-search-for]");
  Array.prototype.forEach.call(boxes, function (box) {
    var table = document.getElementById(box.getAttribute("data-search-for"));
    var input = box.querySelector("input");
    var said = box.querySelector("output");
    if (!table || !input) { return; }
    var rows = table.tBodies[0] ? table.tBodies[0].rows : [];
    box.hidden = false;
    input.addEventListener("input", function () {
      var wanted = input.value.trim().toLowerCase();
      var shown = 0;
      Array.prototype.forEach.call(rows, function (row) {
        var match = wanted === "" || row.textContent.toLowerCase().indexOf(wanted) !== -1;
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      if (said) {
        said.textContent = said.getAttribute("data-pattern")
          .replace("{shown}", String(shown)).replace("{total}", String(rows.length));
      }
    });
  });
}());
