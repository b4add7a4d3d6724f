'use strict';
// peace-lsp class report: sortable essay table; a click on a row opens the
// essay's feedback. No network, no student text is ever read as markup.
(function () {
  var table = document.getElementById('essays');
  if (!table) return;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  rows.forEach(function (r, i) { r.dataset.order = String(i); });
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);

  function key(row, col, numeric) {
    var v = row.cells[col].getAttribute('data-sort');
    return numeric ? Number(v) : v.toLowerCase();
  }

  heads.forEach(function (th, col) {
    var button = th.querySelector('button');
    if (!button) return;
    var numeric = th.getAttribute('data-type') === 'number';
    button.addEventListener('click', function () {
      var current = th.getAttribute('aria-sort');
      // Numbers sort largest first on the first click, names A to Z.
      var ascending = current ? current !== 'ascending' : !numeric;
      var sorted = Array.prototype.slice.call(body.rows).sort(function (a, b) {
        var x = key(a, col, numeric), y = key(b, col, numeric);
        var c = x < y ? -1 : x > y ? 1 : 0;
        if (!ascending) c = -c;
        return c || Number(a.dataset.order) - Number(b.dataset.order);
      });
      sorted.forEach(function (r) { body.appendChild(r); });
      heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    });
  });

  body.addEventListener('click', function (event) {
    if (event.target.closest('a')) return;
    var row = event.target.closest('tr[data-target]');
    if (!row) return;
    var target = document.getElementById(row.getAttribute('data-target'));
    if (!target) return;
    history.replaceState(null, '', '#' + target.id);
    target.scrollIntoView();
    var link = target.querySelector('h2');
    if (link) { link.setAttribute('tabindex', '-1'); link.focus({ preventScroll: true }); }
  });
})();
