/*
 * Nacho's desktop: a window manager (move, resize, focus, minimise,
 * maximise, close), a taskbar with a launcher, and the terminal app built on
 * xterm.js. nacho.js loads it and calls NachoDesktop.create(element, os,
 * options) once the kernel is up.
 *
 * With options.desktop false (the embed default) there is no window chrome:
 * one terminal fills the element.
 */
(function (global) {
  'use strict';

  function el(tag, cls, parent, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  var THEME = {
    background: '#1d1f21', foreground: '#c5c8c6', cursor: '#f4b942', selectionBackground: '#4a5058',
    black: '#1d1f21', red: '#cc6666', green: '#b5bd68', yellow: '#f0c674', blue: '#81a2be',
    magenta: '#b294bb', cyan: '#8abeb7', white: '#c5c8c6', brightBlack: '#666666', brightRed: '#d54e53',
    brightGreen: '#b9ca4a', brightYellow: '#e7c547', brightBlue: '#7aa6da', brightMagenta: '#c397d8',
    brightCyan: '#70c0b1', brightWhite: '#eaeaea'
  };

  // ------------------------------------------------------- window manager

  function WindowManager(area, taskList) {
    this.area = area;
    this.taskList = taskList;
    this.windows = [];
    this.z = 10;
    this.focused = null;
    this.nextId = 1;
  }

  var HANDLES = ['n', 's', 'e', 'w', 'ne', 'nw', 'se', 'sw'];
  var MIN_W = 240, MIN_H = 120;

  /**
   * open({title, width, height, onResize, onFocus, onClose}) makes a window;
   * its .body is where the app draws. onClose may return false to refuse.
   */
  WindowManager.prototype.open = function (opts) {
    var wm = this;
    var w = {
      id: wm.nextId++, title: opts.title || 'Window', opts: opts,
      minimised: false, maximised: false, saved: null, closed: false
    };
    var root = w.root = el('div', 'nacho-window', wm.area);
    root.setAttribute('role', 'dialog');
    root.setAttribute('aria-label', w.title);
    root.dataset.windowId = String(w.id);
    var bar = el('div', 'nacho-titlebar', root);
    w.titleEl = el('span', 'nacho-title', bar, w.title);
    var btns = el('div', 'nacho-winbtns', bar);
    var bMin = el('button', 'nacho-winbtn nacho-min', btns, '\u2013');
    var bMax = el('button', 'nacho-winbtn nacho-max', btns, '\u25a1');
    var bClose = el('button', 'nacho-winbtn nacho-close', btns, '\u00d7');
    bMin.title = 'Minimise'; bMax.title = 'Maximise'; bClose.title = 'Close';
    w.body = el('div', 'nacho-window-body', root);
    HANDLES.forEach(function (h) { el('div', 'nacho-rh nacho-rh-' + h, root).dataset.edge = h; });

    // Place new windows in a cascade inside the area.
    var A = wm.area.getBoundingClientRect();
    var width = Math.min(opts.width || 720, Math.max(MIN_W, A.width - 20));
    var height = Math.min(opts.height || 440, Math.max(MIN_H, A.height - 20));
    var k = (wm.windows.length % 8) * 28;
    w.rect = { x: Math.max(0, Math.min(24 + k, A.width - width)), y: Math.max(0, Math.min(16 + k, A.height - height)), w: width, h: height };
    wm.apply(w);

    w.task = el('button', 'nacho-task', wm.taskList, w.title);
    w.task.onclick = function () {
      if (w.minimised) wm.restore(w);
      else if (wm.focused === w) wm.minimise(w);
      else wm.focus(w);
    };

    root.addEventListener('pointerdown', function () { wm.focus(w); }, true);
    bMin.onclick = function (e) { e.stopPropagation(); wm.minimise(w); };
    bMax.onclick = function (e) { e.stopPropagation(); wm.toggleMaximise(w); };
    bClose.onclick = function (e) { e.stopPropagation(); wm.close(w); };
    bar.addEventListener('dblclick', function (e) { if (e.target === bar || e.target === w.titleEl) wm.toggleMaximise(w); });
    wm.drag(w, bar, null);
    root.querySelectorAll('.nacho-rh').forEach(function (h) { wm.drag(w, h, h.dataset.edge); });

    wm.windows.push(w);
    wm.focus(w);
    return w;
  };

  WindowManager.prototype.apply = function (w) {
    var s = w.root.style;
    s.left = w.rect.x + 'px'; s.top = w.rect.y + 'px';
    s.width = w.rect.w + 'px'; s.height = w.rect.h + 'px';
  };

  WindowManager.prototype.resized = function (w) {
    if (w.opts.onResize) {
      try { w.opts.onResize(); } catch (err) { console.error(err); }
    }
  };

  // drag moves the window (edge null) or resizes it from an edge.
  WindowManager.prototype.drag = function (w, handle, edge) {
    var wm = this;
    handle.addEventListener('pointerdown', function (e) {
      if (e.button !== 0 || e.target.closest('.nacho-winbtn')) return;
      if (w.maximised) {
        if (edge) return;
        // Dragging a maximised window restores it under the pointer.
        var A0 = wm.area.getBoundingClientRect();
        var frac = (e.clientX - A0.left) / A0.width;
        wm.toggleMaximise(w);
        w.rect.x = Math.round(e.clientX - A0.left - frac * w.rect.w);
        w.rect.y = 0;
        wm.apply(w);
      }
      e.preventDefault();
      handle.setPointerCapture(e.pointerId);
      var start = { x: e.clientX, y: e.clientY, r: Object.assign({}, w.rect) };
      var A = wm.area.getBoundingClientRect();
      w.root.classList.add('nacho-dragging');
      function move(ev) {
        var dx = ev.clientX - start.x, dy = ev.clientY - start.y, r = Object.assign({}, start.r);
        if (!edge) {
          r.x = Math.min(Math.max(r.x + dx, 60 - r.w), A.width - 60);
          r.y = Math.min(Math.max(r.y + dy, 0), A.height - 30);
        } else {
          if (edge.indexOf('e') >= 0) r.w = Math.max(MIN_W, r.w + dx);
          if (edge.indexOf('s') >= 0) r.h = Math.max(MIN_H, r.h + dy);
          if (edge.indexOf('w') >= 0) { var nw = Math.max(MIN_W, r.w - dx); r.x += r.w - nw; r.w = nw; }
          if (edge.indexOf('n') >= 0) { var nh = Math.max(MIN_H, r.h - dy); r.y = Math.max(0, r.y + r.h - nh); r.h = nh; }
        }
        w.rect = r;
        wm.apply(w);
        if (edge) wm.resized(w);
      }
      function up() {
        handle.removeEventListener('pointermove', move);
        handle.removeEventListener('pointerup', up);
        handle.removeEventListener('pointercancel', up);
        w.root.classList.remove('nacho-dragging');
        if (edge) wm.resized(w);
      }
      handle.addEventListener('pointermove', move);
      handle.addEventListener('pointerup', up);
      handle.addEventListener('pointercancel', up);
    });
  };

  WindowManager.prototype.focus = function (w) {
    if (w.closed) return;
    if (this.focused && this.focused !== w) {
      this.focused.root.classList.remove('nacho-focused');
      this.focused.task.classList.remove('nacho-task-active');
    }
    this.focused = w;
    w.root.style.zIndex = String(++this.z);
    w.root.classList.add('nacho-focused');
    w.task.classList.add('nacho-task-active');
    if (w.opts.onFocus) w.opts.onFocus();
  };

  WindowManager.prototype.topmost = function () {
    var best = null;
    this.windows.forEach(function (o) {
      if (!o.minimised && (!best || +o.root.style.zIndex > +best.root.style.zIndex)) best = o;
    });
    return best;
  };

  WindowManager.prototype.minimise = function (w) {
    w.minimised = true;
    w.root.style.display = 'none';
    w.task.classList.remove('nacho-task-active');
    w.task.classList.add('nacho-task-min');
    if (this.focused === w) {
      this.focused = null;
      var next = this.topmost();
      if (next) this.focus(next);
    }
  };

  WindowManager.prototype.restore = function (w) {
    w.minimised = false;
    w.root.style.display = '';
    w.task.classList.remove('nacho-task-min');
    this.focus(w);
    this.resized(w);
  };

  WindowManager.prototype.toggleMaximise = function (w) {
    if (w.maximised) {
      w.maximised = false;
      w.rect = w.saved;
      w.root.classList.remove('nacho-maximised');
    } else {
      w.maximised = true;
      w.saved = Object.assign({}, w.rect);
      var A = this.area.getBoundingClientRect();
      w.rect = { x: 0, y: 0, w: A.width, h: A.height };
      w.root.classList.add('nacho-maximised');
    }
    this.apply(w);
    this.resized(w);
  };

  WindowManager.prototype.setTitle = function (w, title) {
    w.title = title;
    w.titleEl.textContent = title;
    w.task.textContent = title;
    w.root.setAttribute('aria-label', title);
  };

  WindowManager.prototype.close = function (w, force) {
    if (w.closed) return;
    if (!force && w.opts.onClose && w.opts.onClose() === false) return;
    w.closed = true;
    w.root.remove();
    w.task.remove();
    this.windows = this.windows.filter(function (o) { return o !== w; });
    if (this.focused === w) {
      this.focused = null;
      var next = this.topmost();
      if (next) this.focus(next);
    }
  };

  // Keep maximised windows filling the area, and others reachable, when the
  // page is resized.
  WindowManager.prototype.areaResized = function () {
    var A = this.area.getBoundingClientRect();
    var wm = this;
    this.windows.forEach(function (w) {
      if (w.maximised) { w.rect = { x: 0, y: 0, w: A.width, h: A.height }; }
      else {
        w.rect.x = Math.min(w.rect.x, Math.max(0, A.width - 60));
        w.rect.y = Math.min(w.rect.y, Math.max(0, A.height - 30));
      }
      wm.apply(w);
      wm.resized(w);
    });
  };

  // -------------------------------------------------------------- terminal

  // Terminal is an xterm.js terminal connected to a login shell.
  function Terminal(os, parent, onExit) {
    var self = this;
    this.os = os;
    this.container = el('div', 'nacho-term', parent);
    this.term = new global.Terminal({
      fontFamily: '"DejaVu Sans Mono", "Cascadia Mono", Menlo, Consolas, monospace',
      fontSize: 14, cursorBlink: true, scrollback: 5000, theme: THEME, allowProposedApi: false
    });
    this.fit = new global.FitAddon.FitAddon();
    this.term.loadAddon(this.fit);
    this.term.open(this.container);
    this.safeFit();
    this.exited = false;
    if (os.warning && !os._warned) {
      os._warned = true;
      this.term.write('\x1b[33mnacho: ' + os.warning + '\x1b[0m\r\n');
    }
    this.tty = os.openTTY(this.term.cols, this.term.rows,
      function (data) { self.term.write(data); },
      function (status) { self.exited = true; self.status = status; if (onExit) onExit(status); });
    this.term.onData(function (d) { self.tty.input(d); });
    this.term.onBinary(function (d) { self.tty.input(d); });
    this.term.onResize(function (s) { self.tty.resize(s.cols, s.rows); });
    this.term.onTitleChange(function (t) { if (self.onTitle) self.onTitle(t); });
  }

  Terminal.prototype.safeFit = function () {
    if (!this.container.offsetWidth || !this.container.offsetHeight) return;
    try { this.fit.fit(); } catch (err) { /* not laid out yet */ }
  };
  Terminal.prototype.focus = function () { this.term.focus(); };
  Terminal.prototype.close = function () { this.tty.close(); this.term.dispose(); };
  /** type(s) sends keys to the terminal as if typed. */
  Terminal.prototype.type = function (s) { this.tty.input(s); };
  /** text() is what the terminal shows: its buffer, one line per row. */
  Terminal.prototype.text = function () {
    var b = this.term.buffer.active, out = [];
    for (var i = 0; i < b.length; i++) out.push(b.getLine(i).translateToString(true));
    while (out.length && out[out.length - 1] === '') out.pop();
    return out.join('\n');
  };

  // --------------------------------------------------------------- desktop

  function Desktop(element, os, options) {
    var self = this;
    this.os = os;
    this.options = options;
    this.element = element;
    if (getComputedStyle(element).position === 'static') element.style.position = 'relative';
    this.root = el('div', 'nacho-root', element);
    this.terms = [];
    if (!options.desktop) {
      // Embedded without a desktop: one terminal fills the element.
      this.root.classList.add('nacho-single');
      var t = new Terminal(os, this.root, function () { t.term.write('\r\n[the shell has ended]\r\n'); });
      this.terms.push(t);
      this.ro = new ResizeObserver(function () { t.safeFit(); });
      this.ro.observe(this.root);
      if (options.run) t.type(options.run + '\r');
      t.focus();
      return;
    }
    this.root.classList.add('nacho-desktop');
    var area = el('div', 'nacho-area', this.root);
    var bar = el('div', 'nacho-taskbar', this.root);
    var start = el('button', 'nacho-start', bar, 'Nacho');
    start.setAttribute('aria-haspopup', 'menu');
    var tasks = el('div', 'nacho-tasks', bar);
    this.status = el('span', 'nacho-status', bar);
    this.clock = el('span', 'nacho-clock', bar);
    this.wm = new WindowManager(area, tasks);
    this.menu = el('div', 'nacho-menu', this.root);
    this.menu.setAttribute('role', 'menu');
    this.menu.hidden = true;
    [['Terminal', function () { self.openTerminal(); }],
     ['About Nacho', function () { self.about(); }]].forEach(function (item) {
      var b = el('button', 'nacho-menuitem', self.menu, item[0]);
      b.setAttribute('role', 'menuitem');
      b.onclick = function () { self.menu.hidden = true; item[1](); };
    });
    start.onclick = function (e) { e.stopPropagation(); self.menu.hidden = !self.menu.hidden; };
    this.root.addEventListener('pointerdown', function (e) {
      if (!self.menu.hidden && !self.menu.contains(e.target) && e.target !== start) self.menu.hidden = true;
    });
    var tick = function () { self.clock.textContent = new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }); };
    tick();
    this.clockTimer = setInterval(tick, 10000);
    if (os.warning) {
      this.status.textContent = os.warning;
      this.status.title = os.warning;
    }
    this.ro = new ResizeObserver(function () { self.wm.areaResized(); });
    this.ro.observe(area);
    var first = this.openTerminal();
    if (options.run) first.type(options.run + '\r');
  }

  /** openTerminal() opens a terminal window running a login shell. */
  Desktop.prototype.openTerminal = function () {
    var self = this, t = null;
    var win = this.wm.open({
      title: 'Terminal', width: 760, height: 460,
      onResize: function () { if (t) t.safeFit(); },
      onFocus: function () { if (t) setTimeout(function () { t.focus(); }, 0); },
      onClose: function () {
        if (t) { t.close(); self.terms = self.terms.filter(function (x) { return x !== t; }); }
      }
    });
    t = new Terminal(this.os, win.body, function () { self.wm.close(win, true); t.term.dispose(); self.terms = self.terms.filter(function (x) { return x !== t; }); });
    t.window = win;
    t.onTitle = function (title) { self.wm.setTitle(win, title || 'Terminal'); };
    this.terms.push(t);
    t.focus();
    return t;
  };

  Desktop.prototype.about = function () {
    var w = this.wm.open({ title: 'About Nacho', width: 420, height: 220 });
    w.body.classList.add('nacho-about');
    el('h2', null, w.body, 'Nacho');
    el('p', null, w.body, 'A local-first operating system in a web page: a Go kernel compiled to WebAssembly.');
    el('p', null, w.body, 'Build ' + this.os.version);
    if (this.os.warning) el('p', null, w.body, this.os.warning);
  };

  /** terminals() lists the open terminals (each with text(), type(s), focus()). */
  Desktop.prototype.terminals = function () { return this.terms.slice(); };

  Desktop.prototype.showError = function (err) {
    var box = el('div', 'nacho-fatal', this.root);
    box.textContent = 'Nacho stopped: ' + (err && err.message || err) + '\nReload the page to start again; files that were synced are kept.';
  };

  Desktop.prototype.destroy = function () {
    if (this.ro) this.ro.disconnect();
    if (this.clockTimer) clearInterval(this.clockTimer);
    this.terms.forEach(function (t) { try { t.term.dispose(); } catch (e) { /* already gone */ } });
    this.root.remove();
  };

  global.NachoDesktop = {
    create: function (element, os, options) { return new Desktop(element, os, options || {}); }
  };
})(typeof globalThis !== 'undefined' ? globalThis : window);
