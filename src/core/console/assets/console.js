// Replywatch console: the light client. The pages work without it (forms post and reload);
// with it, countdowns tick every second on the server's clock, the queue, an inquiry and the
// deliveries page follow the server's event stream, and commands run without leaving the
// page. No inline script: CSP forbids it.
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

  // The part of the page live updates redraw (the queue's rows, an inquiry, the deliveries),
  // marked by the server with where to fetch it again and which changes concern it.
  var part = document.querySelector('[data-live-url]');

  // ---- live part --------------------------------------------------------------------------
  // After a command: the control to give focus back to once its part is redrawn.
  var focusAfter = null;
  var fetching = false;
  var pending = false;
  // Set by a change this page shows: the redraw is then said in the live region (if the page asks).
  var announceNext = false;
  var lastText = null;
  var lastFetch = 0;
  var timer = null;

  // Which changes on the stream this page shows: `queue` (any inquiry), `deliveries`, or
  // `inquiry:<id>` (that inquiry, its deliveries, and re-checks that cannot say which).
  function concerns(change) {
    var filter = part.getAttribute('data-live-filter') || '';
    if (filter === 'queue') return change.type !== 'deliveries';
    if (filter === 'deliveries') return change.type === 'deliveries';
    if (filter.indexOf('inquiry:') === 0) {
      if (change.inquiryId) return change.inquiryId === filter.slice(8);
      return change.type === 'refresh' || change.type === 'deliveries';
    }
    return true;
  }

  // Someone typing an escalation reason, choosing a filter or holding focus in a form keeps
  // their work: the refresh waits until they are done (or have sent it).
  function busy() {
    if (part.querySelector('details[open]')) return true;
    var active = document.activeElement;
    if (active && part.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName)) return true;
    var fields = part.querySelectorAll('input:not([type="hidden"]), textarea');
    for (var i = 0; i < fields.length; i++) if (fields[i].value !== fields[i].defaultValue && !folded(fields[i])) return true;
    var selects = part.querySelectorAll('select');
    for (var j = 0; j < selects.length; j++) if (selects[j].selectedIndex !== defaultIndex(selects[j])) return true;
    return false;
  }

  // A reason left in an escalation folded shut was given up on: it holds nothing back.
  function folded(field) {
    var details = field.closest('details');
    return !!details && !details.open;
  }

  // The option the page came with: the one marked selected, else the first (as a browser shows it).
  function defaultIndex(select) {
    for (var i = 0; i < select.options.length; i++) if (select.options[i].defaultSelected) return i;
    return select.options.length > 0 ? 0 : -1;
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
    if (!part || fetching) return;
    if (busy()) return scheduleRefresh(1000);
    pending = false;
    fetching = true;
    lastFetch = Date.now();
    var say = announceNext;
    announceNext = false;
    fetch(part.getAttribute('data-live-url'), { credentials: 'same-origin', headers: { Accept: 'text/html' } })
      .then(function (res) {
        if (res.status === 401) {
          window.location.reload();
          return null;
        }
        setServerNow(Number(res.headers.get('X-Server-Now')));
        return res.ok ? res.text() : null;
      })
      .then(function (text) {
        if (text === null) return;
        var changed = lastText !== null && text !== lastText;
        lastText = text;
        replacePart(text);
        var words = part.getAttribute('data-live-announce');
        if (say && changed && words) announce(words);
      })
      .catch(function () {
        pending = true;
      })
      .then(function () {
        fetching = false;
        if (pending) scheduleRefresh();
      });
  }

  // A control's place: the nearest element with an id (a row, a group of commands) or a
  // target row, found again after the redraw by comparing attributes (no selector escaping).
  function keyOf(el) {
    var holder = el.closest('[id], [data-target]');
    if (!holder || !part.contains(holder) || holder === part) return null;
    return holder.id ? { attr: 'id', value: holder.id } : { attr: 'data-target', value: holder.getAttribute('data-target') };
  }

  function findKey(key) {
    var all = part.querySelectorAll('[' + key.attr + ']');
    for (var i = 0; i < all.length; i++) if (all[i].getAttribute(key.attr) === key.value) return all[i];
    return null;
  }

  function replacePart(text) {
    // Keep the keyboard where it was: the same control of the same row, if it is still there.
    var active = document.activeElement;
    var inside = active && part.contains(active) && active !== part;
    var key = inside ? keyOf(active) : null;
    var target = focusAfter || (key ? { key: key, label: active.textContent } : null);
    focusAfter = null;
    part.innerHTML = text;
    tick();
    if (!target) {
      if (inside) focusMain();
      return;
    }
    var again = findKey(target.key);
    var buttons = again ? again.querySelectorAll('button, summary, a') : [];
    for (var i = 0; i < buttons.length; i++) if (buttons[i].textContent === target.label) return buttons[i].focus();
    // Hold became Resume (or the reverse): the first control is the one that took its place.
    if (buttons.length > 0) return buttons[0].focus();
    focusMain();
  }

  function focusMain() {
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
    var source = new EventSource(part.getAttribute('data-events-url'));
    source.addEventListener('hello', function (e) {
      setServerNow(JSON.parse(e.data).now);
      liveState(true);
      // Anything that changed while the stream was down (or before it opened) shows now.
      scheduleRefresh(0);
    });
    source.addEventListener('change', function (e) {
      var change = JSON.parse(e.data);
      setServerNow(change.now);
      if (!concerns(change)) return;
      announceNext = true;
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

  if (part && window.EventSource) connect();

  // ---- commands ---------------------------------------------------------------------------
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!form.classList || !form.classList.contains('cmd')) return;
    e.preventDefault();
    var button = form.querySelector('button');
    var key = part && part.contains(form) ? keyOf(form) : null;
    if (key && button) focusAfter = { key: key, label: button.textContent };
    if (button) button.disabled = true;
    var done = false;
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
        done = answer.ok === true;
        announce(answer.message || strings.failed);
      })
      .catch(function () {
        announce(strings.failed);
      })
      .then(function () {
        if (button) button.disabled = false;
        // A refused or failed command keeps its form as it was, a typed reason included.
        if (done) {
          var details = form.closest('details');
          if (details) details.open = false;
          // A sent reason is no longer work in progress: the redraw may go ahead.
          form.reset();
        }
        if (part) scheduleRefresh(0);
      });
  });

  tick();
  setInterval(tick, 1000);
})();
