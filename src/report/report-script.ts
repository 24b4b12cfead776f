/**
 * The report's only script, inlined: it shows local times and, over the concurrency chart, a
 * crosshair with the limit and the batches in flight at the pointer. Plain ES2017 that any
 * browser runs; it reads the run's data from the page's JSON block, and needs no network.
 */
export const REPORT_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  document.querySelectorAll('time[datetime]').forEach(function (el) {
    var d = new Date(el.getAttribute('datetime'));
    if (!isNaN(d.getTime())) el.textContent = d.toLocaleString();
  });
  function valueAt(series, t) {
    var v = 0;
    for (var i = 0; i < series.length && series[i].t <= t; i++) v = series[i].v;
    return v;
  }
  var tip = document.getElementById('tooltip');
  var chart = document.getElementById('concurrency-chart');
  var area = chart && chart.querySelector('.hover-area');
  if (area) {
    var hover = chart.querySelector('.hover');
    var line = chart.querySelector('.hover-line');
    var end = Number(area.getAttribute('data-end'));
    var x0 = Number(area.getAttribute('x'));
    var w = Number(area.getAttribute('width'));
    area.addEventListener('mousemove', function (ev) {
      var p = chart.createSVGPoint();
      p.x = ev.clientX; p.y = ev.clientY;
      var local = p.matrixTransform(chart.getScreenCTM().inverse());
      var t = Math.max(0, Math.min(end, ((local.x - x0) / w) * end));
      line.setAttribute('x1', local.x); line.setAttribute('x2', local.x);
      hover.setAttribute('visibility', 'visible');
      tip.textContent = (t / 1000).toFixed(2) + ' s \\u2014 limit ' + valueAt(data.limit, t) +
        ', in flight ' + valueAt(data.inFlight, t);
      tip.style.display = 'block';
      tip.style.left = ev.clientX + 14 + 'px';
      tip.style.top = ev.clientY + 14 + 'px';
    });
    area.addEventListener('mouseleave', function () {
      hover.setAttribute('visibility', 'hidden');
      tip.style.display = 'none';
    });
  }
  document.documentElement.setAttribute('data-marks', String(document.querySelectorAll('.mark').length));
  document.documentElement.setAttribute('data-ready', 'true');
})();
`;
