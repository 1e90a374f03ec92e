// Replywatch console: the light client. The pages work without it (forms post and reload);
// with it, countdowns tick every second on the server's clock, the queue follows the server's
// event stream, and commands run without leaving the page. No inline script: CSP forbids it.
(function () {
  'use strict';

  var body = document.body;
  var strings = JSON.parse(body.getAttribute('data-strings') || '{}');
  // Server clock minus this browser's clock: countdowns run on the hub's time, not the device's.
  var offset = Number(body.getAttribute('data-server-now')) - Date.now();

  function setServerNow(now) {
    if (typeof now === 'number' && isFinite(now)) offset = now - Date.now();
  }

  function serverNow() {
    return Date.now() + offset;
  }

  function pad(n) {
    return n < 10 ? '0' + n : String(n);
  }

  // The same shape as the server's formatDuration (format-duration.ts).
  function formatDuration(ms) {
    var total = Math.floor(Math.abs(ms) / 1000);
    var days = Math.floor(total / 86400);
    var hours = Math.floor((total % 86400) / 3600);
    var minutes = Math.floor((total % 3600) / 60);
    var seconds = total % 60;
    if (days > 0) return days + ' d ' + hours + ' h';
    return hours > 0 ? hours + ':' + pad(minutes) + ':' + pad(seconds) : minutes + ':' + pad(seconds);
  }

  function fill(template, ms) {
    return String(template || '{t}').replace('{t}', formatDuration(ms));
  }

  function tick() {
    var now = serverNow();
    var until = document.querySelectorAll('time[data-until]');
    for (var i = 0; i < until.length; i++) {
      var left = Number(until[i].getAttribute('data-until')) - now;
      until[i].textContent = left > 0 ? fill(strings.in, left) : fill(strings.overdue, -left);
      if (left <= 0) until[i].classList.add('overdue');
    }
    var since = document.querySelectorAll('time[data-since]');
    for (var j = 0; j < since.length; j++) since[j].textContent = formatDuration(now - Number(since[j].getAttribute('data-since')));
  }

  function announce(text) {
    var region = document.getElementById('announce');
    if (region) region.textContent = text;
  }

  var queue = document.getElementById('queue');

  // ---- live queue -------------------------------------------------------------------------
  // After a command: the button to give focus back to once its row is redrawn.
  var focusAfter = null;
  var fetching = false;
  var pending = false;
  var lastFetch = 0;
  var timer = null;

  // Someone typing an escalation reason or holding focus in a form keeps their work: the
  // refresh waits until they are done.
  function busy() {
    if (!queue) return false;
    if (queue.querySelector('details[open]')) return true;
    var active = document.activeElement;
    return !!(active && queue.contains(active) && active.tagName === 'INPUT');
  }

  function scheduleRefresh(delay) {
    pending = true;
    if (timer !== null) return;
    timer = setTimeout(function () {
      timer = null;
      refresh();
    }, delay === undefined ? Math.max(0, 1000 - (Date.now() - lastFetch)) : delay);
  }

  function refresh() {
    if (!queue || fetching) return;
    if (busy()) return scheduleRefresh(1000);
    pending = false;
    fetching = true;
    lastFetch = Date.now();
    fetch(queue.getAttribute('data-rows-url') + queue.getAttribute('data-query'), { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (res) {
        if (res.status === 401) {
          window.location.reload();
          return null;
        }
        setServerNow(Number(res.headers.get('X-Server-Now')));
        return res.ok ? res.text() : null;
      })
      .then(function (text) {
        if (text !== null) replaceQueue(text);
      })
      .catch(function () {
        pending = true;
      })
      .then(function () {
        fetching = false;
        if (pending) scheduleRefresh();
      });
  }

  function replaceQueue(text) {
    // Keep the keyboard where it was: the same button of the same inquiry, if it is still there.
    var active = document.activeElement;
    var row = active && queue.contains(active) ? active.closest('tr[data-inquiry]') : null;
    var target = focusAfter || (row ? { id: row.getAttribute('data-inquiry'), label: active.textContent } : null);
    focusAfter = null;
    queue.innerHTML = text;
    tick();
    if (!target) return;
    var again = queue.querySelector('tr[data-inquiry="' + target.id + '"]');
    var buttons = again ? again.querySelectorAll('button, summary') : [];
    for (var i = 0; i < buttons.length; i++) if (buttons[i].textContent === target.label) return buttons[i].focus();
    // Hold became Resume (or the reverse): the row's first control is the one that took its place.
    if (buttons.length > 0) return buttons[0].focus();
    var main = document.getElementById('main');
    if (main) main.focus();
  }

  function liveState(on) {
    var el = document.getElementById('live-state');
    if (el) el.textContent = on ? el.getAttribute('data-live') : el.getAttribute('data-offline');
  }

  // A stream the server refused (signed out, too many streams, a restart) is not retried by
  // the browser: check the sign-in with a refresh, and open a new stream a little later.
  function connect() {
    var source = new EventSource(queue.getAttribute('data-events-url'));
    source.addEventListener('hello', function (e) {
      setServerNow(JSON.parse(e.data).now);
      liveState(true);
      // Anything that changed while the stream was down (or before it opened) shows now.
      scheduleRefresh(0);
    });
    source.addEventListener('change', function (e) {
      setServerNow(JSON.parse(e.data).now);
      scheduleRefresh();
    });
    source.addEventListener('signed-out', function () {
      source.close();
      window.location.reload();
    });
    source.addEventListener('error', function () {
      liveState(false);
      if (source.readyState === 2) {
        scheduleRefresh(0);
        setTimeout(connect, 10000);
      }
    });
  }

  if (queue && window.EventSource) connect();

  // ---- commands ---------------------------------------------------------------------------
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!form.classList || !form.classList.contains('cmd')) return;
    e.preventDefault();
    var button = form.querySelector('button');
    var row = form.closest('tr[data-inquiry]');
    if (row && button) focusAfter = { id: row.getAttribute('data-inquiry'), label: button.textContent };
    if (button) button.disabled = true;
    fetch(form.action, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRF-Token': body.getAttribute('data-csrf') || '' },
      body: new URLSearchParams(new FormData(form)).toString(),
    })
      .then(function (res) {
        return res.json().catch(function () {
          return { ok: false, message: strings.failed };
        });
      })
      .then(function (answer) {
        announce(answer.message || strings.failed);
      })
      .catch(function () {
        announce(strings.failed);
      })
      .then(function () {
        if (button) button.disabled = false;
        var details = form.closest('details');
        if (details) details.open = false;
        scheduleRefresh(0);
      });
  });

  tick();
  setInterval(tick, 1000);
})();
