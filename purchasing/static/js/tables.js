/* Tables on phones: under 600 CSS pixels each row of a data table reads as a card, every cell preceded by
   its column's title. This script copies the titles (thead) into each cell's data-label and gives back the
   roles a table loses when CSS displays it as blocks (role="table", "row", "columnheader", "cell"), so that
   screen readers still announce a table. Without scripts, app.css lets a wide table scroll inside its own box
   instead of the whole page. No inline script (CSP). */
(function () {
  "use strict";
  var tables = document.querySelectorAll("table.table");
  Array.prototype.forEach.call(tables, function (table) {
    var head = table.tHead;
    if (!head || !head.rows.length) {
      return;
    }
    var titles = [];
    Array.prototype.forEach.call(head.rows[head.rows.length - 1].cells, function (cell) {
      var span = cell.colSpan || 1;
      for (var i = 0; i < span; i += 1) {
        titles.push((cell.textContent || "").trim());
      }
      cell.setAttribute("role", "columnheader");
    });
    table.setAttribute("role", "table");
    Array.prototype.forEach.call(table.rows, function (row) {
      row.setAttribute("role", "row");
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      body.setAttribute("role", "rowgroup");
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (cell.tagName === "TH") {
            cell.setAttribute("role", "rowheader");
          } else {
            cell.setAttribute("role", "cell");
          }
          if (cell.colSpan === 1 && titles[column]) {
            cell.setAttribute("data-label", titles[column]);
          } else {
            cell.classList.add("cell--wide");
          }
          column += cell.colSpan || 1;
        });
      });
    });
    head.setAttribute("role", "rowgroup");
    table.classList.add("table--cards");
  });
})();
