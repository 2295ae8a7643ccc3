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

  // ---------------------------------------------------------- file import

  // importDrop writes what was dropped (files and whole folders) into dir.
  // progress(done, total, name) is called as files land.
  function importDrop(os, dir, dt, progress) {
    var jobs = [];
    function walk(entry, base) {
      if (entry.isFile) {
        return new Promise(function (res, rej) { entry.file(res, rej); }).then(function (f) {
          jobs.push({ path: base + '/' + f.name, file: f });
        });
      }
      if (entry.isDirectory) {
        var path = base + '/' + entry.name;
        jobs.push({ path: path, dir: true });
        var reader = entry.createReader();
        var all = [];
        var readBatch = function () {
          return new Promise(function (res, rej) { reader.readEntries(res, rej); }).then(function (batch) {
            if (!batch.length) return Promise.all(all.map(function (e) { return walk(e, path); }));
            all = all.concat(Array.prototype.slice.call(batch));
            return readBatch();
          });
        };
        return readBatch();
      }
      return Promise.resolve();
    }
    var walks = [];
    var items = dt.items ? Array.prototype.slice.call(dt.items) : [];
    items.forEach(function (it) {
      var e = it.kind === 'file' && it.webkitGetAsEntry && it.webkitGetAsEntry();
      if (e) walks.push(walk(e, dir));
    });
    if (!walks.length) {
      // No entries (an older browser, or files handed over by a script):
      // take the plain file list; folders are then not expanded.
      Array.prototype.forEach.call(dt.files || [], function (f) { jobs.push({ path: dir + '/' + f.name, file: f }); });
    }
    return importJobs(os, Promise.all(walks).then(function () { return jobs; }), progress);
  }

  // importFiles writes a FileList (from a file picker) into dir; a picker
  // for folders gives each file its relative path.
  function importFiles(os, dir, files, progress) {
    var jobs = Array.prototype.map.call(files, function (f) {
      return { path: dir + '/' + (f.webkitRelativePath || f.name), file: f };
    });
    return importJobs(os, Promise.resolve(jobs), progress);
  }

  function importJobs(os, jobsP, progress) {
    return jobsP.then(function (jobs) {
      var files = jobs.filter(function (j) { return !j.dir; });
      var done = 0;
      var chain = Promise.resolve();
      jobs.forEach(function (j) {
        chain = chain.then(function () {
          if (j.dir) return os.mkdir(j.path, { recursive: true });
          if (progress) progress(done, files.length, j.path);
          return os.writeFile(j.path, j.file).then(function () { done++; });
        });
      });
      return chain.then(function () { if (progress) progress(done, files.length, ''); return done; });
    });
  }

  function joinPath(dir, name) { return dir === '/' ? '/' + name : dir + '/' + name; }
  function parentPath(p) { var i = p.lastIndexOf('/'); return i <= 0 ? '/' : p.slice(0, i); }
  function fmtSize(n) {
    if (n < 1024) return n + ' B';
    var u = ['KB', 'MB', 'GB', 'TB'], i = -1;
    do { n /= 1024; i++; } while (n >= 1024 && i < u.length - 1);
    return n.toFixed(n < 10 ? 1 : 0) + ' ' + u[i];
  }
  // Icons drawn inline, so they do not depend on the fonts a system has.
  var ICONS = {
    dir: '<svg viewBox="0 0 16 16" width="16" height="16"><path d="M1 3.5h5l1.5 1.5H15v8.5H1z" fill="currentColor"/></svg>',
    file: '<svg viewBox="0 0 16 16" width="16" height="16"><path d="M3 1h7l3 3v11H3z" fill="none" stroke="currentColor" stroke-width="1.3"/><path d="M10 1v3h3" fill="none" stroke="currentColor" stroke-width="1.3"/></svg>',
    link: '<svg viewBox="0 0 16 16" width="16" height="16"><path d="M6.5 9.5l3-3M5 8l-1.5 1.5a2.1 2.1 0 003 3L8 11M11 8l1.5-1.5a2.1 2.1 0 00-3-3L8 5" fill="none" stroke="currentColor" stroke-width="1.4"/></svg>'
  };
  var TEXT_EXT = /\.(txt|md|sh|bat|c|h|go|js|json|asm|s|cfg|ini|conf|log|csv|html|css|py|xml|yml|yaml|toml)$/i;
  var PROGRAM_EXT = /\.(com|exe)$/i;

  // ---------------------------------------------------------- file manager

  function FileManager(desktop, dir) {
    var self = this;
    this.d = desktop;
    this.os = desktop.os;
    this.dir = dir || '/home';
    this.selected = new Set();
    this.entries = [];
    this.win = desktop.wm.open({
      title: 'Files', width: 760, height: 460,
      onFocus: function () { if (self.list) self.refresh(); }
    });
    var body = this.win.body;
    body.classList.add('nacho-files');
    var bar = el('div', 'nacho-fm-bar', body);
    var up = this.button(bar, '\u2191', 'Up one folder (Backspace)', function () { self.go(parentPath(self.dir)); });
    up.classList.add('nacho-fm-up');
    this.pathInput = el('input', 'nacho-fm-path', bar);
    this.pathInput.setAttribute('aria-label', 'Folder');
    this.pathInput.addEventListener('keydown', function (e) { if (e.key === 'Enter') self.go(self.pathInput.value.trim() || '/'); });
    this.button(bar, 'New folder', 'Make a folder here', function () { self.newFolder(); });
    this.button(bar, 'Import\u2026', 'Copy files from this computer into this folder', function () { self.picker(false); });
    this.button(bar, 'Export', 'Save the selection to this computer (folders as .zip)', function () { self.exportSel(); });
    this.button(bar, 'Share', 'Share the selection with a room (peer to peer)', function () { self.share(); });
    this.button(bar, 'Fetch\u2026', 'Fetch something shared in a room into this folder', function () { self.fetchShared(); });
    this.button(bar, 'Rename', 'Rename the selected item (F2)', function () { self.rename(); });
    this.button(bar, 'Delete', 'Delete the selection (Delete)', function () { self.remove(); });
    this.hiddenBtn = this.button(bar, '.*', 'Show hidden files (names starting with a dot)', function () {
      self.showHidden = !self.showHidden;
      self.hiddenBtn.classList.toggle('nacho-fm-on', self.showHidden);
      self.render();
    });
    this.list = el('div', 'nacho-fm-list', body);
    this.list.tabIndex = 0;
    this.list.setAttribute('role', 'listbox');
    this.list.setAttribute('aria-multiselectable', 'true');
    this.status = el('div', 'nacho-fm-status', body);
    this.list.addEventListener('keydown', function (e) { self.key(e); });
    body.addEventListener('dragover', function (e) { e.preventDefault(); e.stopPropagation(); body.classList.add('nacho-drop'); });
    body.addEventListener('dragleave', function () { body.classList.remove('nacho-drop'); });
    body.addEventListener('drop', function (e) {
      e.preventDefault(); e.stopPropagation();
      body.classList.remove('nacho-drop');
      self.importing(importDrop(self.os, self.dir, e.dataTransfer, self.progress()));
    });
    this.go(this.dir);
  }

  FileManager.prototype.button = function (bar, label, title, fn) {
    var b = el('button', 'nacho-fm-btn', bar, label);
    b.title = title;
    b.onclick = fn;
    return b;
  };

  FileManager.prototype.say = function (text, bad) {
    this.status.textContent = text;
    this.status.classList.toggle('nacho-fm-error', !!bad);
  };

  FileManager.prototype.fail = function (err) { this.say(String(err && err.message || err), true); };

  FileManager.prototype.go = function (dir) {
    var self = this;
    return this.os.stat(dir).then(function (st) {
      if (st.kind !== 'dir') throw new Error(dir + ': not a folder');
      self.dir = dir;
      self.selected.clear();
      self.d.wm.setTitle(self.win, 'Files \u2014 ' + dir);
      return self.refresh();
    }).catch(function (e) { self.fail(e); self.pathInput.value = self.dir; });
  };

  FileManager.prototype.refresh = function () {
    var self = this;
    this.pathInput.value = this.dir;
    return Promise.all([this.os.readdir(this.dir), this.os.syncStatus().catch(function () { return []; })]).then(function (r) {
      var ents = r[0];
      ents.sort(function (a, b) { return (a.kind === 'dir' ? 0 : 1) - (b.kind === 'dir' ? 0 : 1) || (a.name < b.name ? -1 : 1); });
      self.entries = ents;
      self.synced = r[1];
      self.render();
    }).catch(function (e) { self.fail(e); });
  };

  // syncOf finds the synced folder that holds path, if any.
  FileManager.prototype.syncOf = function (path) {
    var best = null;
    (this.synced || []).forEach(function (f) {
      if (path === f.dir || path.indexOf(f.dir + '/') === 0) best = f;
    });
    return best;
  };

  FileManager.prototype.render = function () {
    var self = this;
    this.list.textContent = '';
    var shown = this.shown = this.entries.filter(function (e) { return self.showHidden || e.name[0] !== '.'; });
    shown.forEach(function (e) {
      var row = el('div', 'nacho-fm-row', self.list);
      row.setAttribute('role', 'option');
      row.dataset.name = e.name;
      if (self.selected.has(e.name)) row.classList.add('nacho-fm-sel');
      row.setAttribute('aria-selected', self.selected.has(e.name) ? 'true' : 'false');
      var icon = el('span', 'nacho-fm-icon nacho-fm-' + (e.kind === 'file' && PROGRAM_EXT.test(e.name) ? 'prog' : e.kind), row);
      icon.innerHTML = ICONS[e.kind] || ICONS.file;
      var nm = el('span', 'nacho-fm-name', row, e.name);
      var full = joinPath(self.dir, e.name);
      var sf = self.syncOf(full);
      if (sf && full === sf.dir) {
        el('span', 'nacho-fm-sync', nm, ' \u27f3 ' + sf.status).title = 'Synced with room ' + sf.room;
      } else if (sf && e.kind === 'file') {
        var d = sf.files[full.slice(sf.dir.length + 1)] || '--';
        var mark = el('span', 'nacho-fm-dur nacho-fm-dur-' + (d[1] === 'C' ? 'cloud' : 'local'), nm, d[1] === 'C' ? ' \u2601' : ' \u25cb');
        mark.title = d[1] === 'C' ? 'Safe on this device and on the node' : d[0] === 'L' ? 'On this device only, not yet on the node' : 'Not yet in place';
      }
      el('span', 'nacho-fm-size', row, e.kind === 'dir' ? '' : fmtSize(e.size));
      el('span', 'nacho-fm-time', row, new Date(e.mtime).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' }));
      row.addEventListener('click', function (ev) { self.select(e.name, ev.ctrlKey || ev.metaKey, ev.shiftKey); });
      row.addEventListener('dblclick', function () { self.open(e); });
    });
    var n = shown.length;
    var here = this.syncOf(this.dir);
    if (!this.status.classList.contains('nacho-fm-error')) {
      this.say(n + (n === 1 ? ' item' : ' items') + (here ? ' \u2014 synced folder (room ' + here.room + '): ' + here.status : ''));
    }
  };

  FileManager.prototype.select = function (name, toggle, range) {
    if (range && this.anchor) {
      var names = this.shown.map(function (e) { return e.name; });
      var a = names.indexOf(this.anchor), b = names.indexOf(name);
      if (!toggle) this.selected.clear();
      for (var i = Math.min(a, b); i <= Math.max(a, b); i++) this.selected.add(names[i]);
    } else if (toggle) {
      if (this.selected.has(name)) this.selected.delete(name); else this.selected.add(name);
      this.anchor = name;
    } else {
      this.selected.clear();
      this.selected.add(name);
      this.anchor = name;
    }
    this.status.classList.remove('nacho-fm-error');
    this.render();
  };

  FileManager.prototype.key = function (e) {
    var names = this.shown.map(function (x) { return x.name; });
    var cur = names.indexOf(this.anchor);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      var next = Math.max(0, Math.min(names.length - 1, cur + (e.key === 'ArrowDown' ? 1 : -1)));
      if (names.length) this.select(names[next], false, e.shiftKey);
    } else if (e.key === 'Enter' && cur >= 0) {
      this.open(this.shown[cur]);
    } else if (e.key === 'Backspace') {
      this.go(parentPath(this.dir));
    } else if (e.key === 'Delete') {
      this.remove();
    } else if (e.key === 'F2') {
      this.rename();
    } else if ((e.ctrlKey || e.metaKey) && e.key === 'a') {
      var self = this;
      names.forEach(function (n) { self.selected.add(n); });
      this.render();
    } else return;
    e.preventDefault();
  };

  FileManager.prototype.open = function (e) {
    var path = joinPath(this.dir, e.name);
    if (e.kind === 'dir') { this.go(path); return; }
    if (PROGRAM_EXT.test(e.name)) {
      this.d.openTerminal().type('run ' + shellQuote(path) + '\r');
      return;
    }
    if (TEXT_EXT.test(e.name) || e.size < 64 * 1024) { this.d.openEditor(path); return; }
    this.exportPaths([path]);
  };

  FileManager.prototype.selection = function () {
    var self = this;
    return Array.from(this.selected).map(function (n) { return joinPath(self.dir, n); });
  };

  FileManager.prototype.newFolder = function () {
    var name = prompt('Name of the new folder:', 'New folder');
    if (!name) return;
    var self = this;
    this.os.mkdir(joinPath(this.dir, name)).then(function () { self.selected.clear(); self.selected.add(name); return self.refresh(); })
      .catch(function (e) { self.fail(e); });
  };

  FileManager.prototype.rename = function () {
    var sel = Array.from(this.selected);
    if (sel.length !== 1) { this.say('Select one item to rename.', true); return; }
    var name = prompt('New name for ' + sel[0] + ':', sel[0]);
    if (!name || name === sel[0]) return;
    var self = this;
    this.os.rename(joinPath(this.dir, sel[0]), joinPath(this.dir, name)).then(function () {
      self.selected.clear(); self.selected.add(name); return self.refresh();
    }).catch(function (e) { self.fail(e); });
  };

  FileManager.prototype.remove = function () {
    var paths = this.selection();
    if (!paths.length) return;
    if (!confirm('Delete ' + (paths.length === 1 ? paths[0] : paths.length + ' items') + '? This cannot be undone.')) return;
    var self = this;
    Promise.all(paths.map(function (p) { return self.os.remove(p, { recursive: true }); }))
      .then(function () { self.selected.clear(); return self.refresh(); })
      .catch(function (e) { self.fail(e); self.refresh(); });
  };

  FileManager.prototype.exportSel = function () {
    var paths = this.selection();
    if (!paths.length) { this.say('Select what to export.', true); return; }
    this.exportPaths(paths);
  };

  FileManager.prototype.exportPaths = function (paths) {
    var self = this;
    var first = this.entries.filter(function (e) { return joinPath(self.dir, e.name) === paths[0]; })[0];
    var p = paths.length === 1 && first && first.kind !== 'dir'
      ? this.os.readFile(paths[0]).then(function (b) { global.Nacho.saveFile(first.name, b); })
      : this.os.zip(paths).then(function (b) {
        var base = paths.length === 1 ? paths[0].split('/').pop() || 'nacho' : 'files';
        global.Nacho.saveFile(base + '.zip', b);
      });
    p.then(function () { self.say('Exported ' + paths.length + (paths.length === 1 ? ' item.' : ' items.')); })
      .catch(function (e) { self.fail(e); });
  };

  // roomFor asks which room to use (remembered for the session).
  FileManager.prototype.roomFor = function () {
    var d = this.d;
    var room = prompt('Room name:', d.lastRoom || '');
    if (!room) return null;
    var secret = prompt('Secret of room ' + room + ':', d.lastSecret || '');
    if (!secret) return null;
    d.lastRoom = room;
    d.lastSecret = secret;
    return { room: room, secret: secret };
  };

  // share publishes the selected file or folder to a room; the sharing
  // process runs until stopped (ps, kill) and its id goes to the clipboard.
  FileManager.prototype.share = function () {
    var paths = this.selection();
    if (paths.length !== 1) { this.say('Select one file or folder to share.', true); return; }
    var r = this.roomFor();
    if (!r) return;
    var self = this, path = paths[0];
    var out = '/tmp/.share-' + Date.now();
    this.os.run('peer share ' + shellQuote(path) + ' --room ' + shellQuote(r.room) + ' --secret ' + shellQuote(r.secret) + ' > ' + out + ' 2>&1 &')
      .then(function () { return self.waitID(out, 0); })
      .then(function (id) {
        if (navigator.clipboard) navigator.clipboard.writeText(id).catch(function () {});
        self.say('Sharing ' + path + ' in room ' + r.room + ' as ' + id.slice(0, 12) + '\u2026 (copied; stop with kill)');
      }, function (e) { self.fail(e); });
  };

  FileManager.prototype.waitID = function (file, tries) {
    var self = this;
    return this.os.readFile(file, 'utf8').catch(function () { return ''; }).then(function (t) {
      var m = /^[0-9a-f]{64}$/m.exec(t);
      if (m) return m[0];
      if (tries > 100) throw new Error('sharing did not start: ' + t.trim().split('\n').pop());
      return new Promise(function (res) { setTimeout(res, 200); }).then(function () { return self.waitID(file, tries + 1); });
    });
  };

  // fetchShared fetches a shared file or folder into this folder.
  FileManager.prototype.fetchShared = function () {
    var id = prompt('Id of what was shared (64 hex digits):', '');
    if (!id) return;
    var r = this.roomFor();
    if (!r) return;
    var self = this;
    this.say('Fetching ' + id.slice(0, 12) + '\u2026');
    this.os.run('cd ' + shellQuote(this.dir) + ' && peer fetch ' + shellQuote(id.trim()) + ' --room ' + shellQuote(r.room) + ' --secret ' + shellQuote(r.secret))
      .then(function (res) {
        if (res.code !== 0) throw new Error(res.stderr.trim() || 'fetch failed');
        self.say(res.stdout.trim());
        return self.refresh();
      }).catch(function (e) { self.fail(e); });
  };

  FileManager.prototype.picker = function (folders) {
    var self = this;
    var input = document.createElement('input');
    input.type = 'file';
    input.multiple = true;
    if (folders) input.webkitdirectory = true;
    input.onchange = function () { self.importing(importFiles(self.os, self.dir, input.files, self.progress())); };
    input.click();
  };

  FileManager.prototype.progress = function () {
    var self = this;
    return function (done, total, name) {
      if (name) self.say('Importing ' + (done + 1) + ' of ' + total + ': ' + name);
    };
  };

  FileManager.prototype.importing = function (p) {
    var self = this;
    return p.then(function (n) { self.say('Imported ' + n + (n === 1 ? ' file.' : ' files.')); return self.refresh(); })
      .catch(function (e) { self.fail(e); self.refresh(); });
  };

  function shellQuote(s) { return /^[\w@%+=:,./-]+$/.test(s) ? s : "'" + s.replace(/'/g, "'\\''") + "'"; }

  // ----------------------------------------------------------- text editor

  function Editor(desktop, path) {
    var self = this;
    this.os = desktop.os;
    this.path = path;
    this.dirty = false;
    this.win = desktop.wm.open({
      title: path.split('/').pop(), width: 640, height: 440,
      onFocus: function () { self.area.focus(); },
      onClose: function () { return !self.dirty || confirm('Discard the changes to ' + path + '?'); }
    });
    var body = this.win.body;
    body.classList.add('nacho-editor');
    var bar = el('div', 'nacho-fm-bar', body);
    var save = el('button', 'nacho-fm-btn', bar, 'Save');
    save.title = 'Save (Ctrl+S)';
    save.onclick = function () { self.save(); };
    el('span', 'nacho-ed-path', bar, path);
    this.area = el('textarea', 'nacho-ed-text', body);
    this.area.spellcheck = false;
    this.status = el('div', 'nacho-fm-status', body);
    this.area.addEventListener('input', function () { self.dirty = true; self.status.textContent = 'modified'; });
    this.area.addEventListener('keydown', function (e) {
      if ((e.ctrlKey || e.metaKey) && e.key === 's') { e.preventDefault(); self.save(); }
    });
    this.os.readFile(path, 'utf8').then(function (t) { self.area.value = t; self.status.textContent = path; },
      function (e) { if (e.code !== 'ENOENT') self.status.textContent = String(e.message); });
  }

  Editor.prototype.save = function () {
    var self = this;
    return this.os.writeFile(this.path, this.area.value).then(function () {
      self.dirty = false;
      self.status.textContent = 'saved';
    }, function (e) { self.status.textContent = 'not saved: ' + e.message; });
  };

  // ---------------------------------------------------------- guest window

  // GuestWindow shows a window a program opened in the kernel: a canvas the
  // kernel draws on (from its worker, through an OffscreenCanvas), which
  // passes keys and the mouse back in the surface's own coordinates.
  function GuestWindow(desktop, m) {
    var self = this;
    this.d = desktop;
    this.os = desktop.os;
    this.id = m.id;
    this.width = m.width;
    this.height = m.height;
    this.scale = m.scale || 1;
    this.canvas = el('canvas', 'nacho-guest');
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('aria-label', m.title);
    this.canvas.width = Math.max(1, m.width * this.scale);
    this.canvas.height = Math.max(1, m.height * this.scale);
    this.size();
    if (desktop.wm) {
      var chromeW = 2, chromeH = 32;
      this.win = desktop.wm.open({
        title: m.title, width: this.canvas.width + chromeW, height: this.canvas.height + chromeH,
        onResize: function () { self.fit(); },
        onFocus: function () { self.os._post({ type: 'win-focus', id: self.id }); self.canvas.focus(); },
        onClose: function () { self.os._post({ type: 'win-close', id: self.id }); }
      });
      this.win.root.dataset.guest = String(m.id);
      this.win.body.classList.add('nacho-guest-body');
      this.win.body.appendChild(this.canvas);
    } else {
      // No desktop: the program's window covers the element while it runs.
      this.box = el('div', 'nacho-guest-full', desktop.root);
      this.box.appendChild(this.canvas);
      this.ro = new ResizeObserver(function () { self.fit(); });
      this.ro.observe(this.box);
      this.canvas.addEventListener('focus', function () { self.os._post({ type: 'win-focus', id: self.id }); });
    }
    this.transfer();
    this.listen();
    setTimeout(function () { self.canvas.focus(); self.fit(); }, 0);
  }

  // transfer hands the canvas to the kernel, which draws on it.
  GuestWindow.prototype.transfer = function () {
    var off = this.canvas.transferControlToOffscreen();
    this.os._post({ type: 'win-canvas', id: this.id, canvas: off }, [off]);
  };

  // recanvas replaces the canvas with a fresh one (the kernel changed how it
  // draws, and a canvas keeps its first kind of context for life).
  GuestWindow.prototype.recanvas = function () {
    var old = this.canvas;
    var c = el('canvas', 'nacho-guest');
    c.tabIndex = 0;
    c.setAttribute('aria-label', old.getAttribute('aria-label'));
    c.width = Math.max(1, this.width * this.scale);
    c.height = Math.max(1, this.height * this.scale);
    old.replaceWith(c);
    this.canvas = c;
    this.size();
    this.transfer();
    this.listen();
  };

  GuestWindow.prototype.size = function () {
    this.canvas.style.width = (this.width * this.scale) + 'px';
    this.canvas.style.height = (this.height * this.scale) + 'px';
  };

  // fit picks the largest integer scale at which the surface fits the
  // window (at least 1) and asks the kernel for it.
  GuestWindow.prototype.fit = function () {
    var host = this.win ? this.win.body : this.box;
    if (!host || !this.width || !this.height) return;
    var s = Math.max(1, Math.floor(Math.min(host.clientWidth / this.width, host.clientHeight / this.height)));
    if (s !== this.scale) this.os._post({ type: 'win-scale', id: this.id, scale: s });
  };

  GuestWindow.prototype.resized = function (m) {
    this.width = m.width;
    this.height = m.height;
    this.scale = m.scale || 1;
    this.size();
    if (this.win && m.title) this.d.wm.setTitle(this.win, m.title);
    this.fit();
  };

  function mods(e) { return (e.shiftKey ? 1 : 0) | (e.ctrlKey ? 2 : 0) | (e.altKey ? 4 : 0) | (e.metaKey ? 8 : 0); }

  GuestWindow.prototype.listen = function () {
    var self = this, c = this.canvas;
    function send(ev) { ev.type = 'win-input'; ev.id = self.id; self.os._post(ev); }
    function key(e) {
      // Copy the screen's text: Ctrl+Shift+C. Paste comes as a paste event.
      if (e.type === 'keydown' && e.ctrlKey && e.shiftKey && e.code === 'KeyC') { self.copy(); e.preventDefault(); return; }
      if (e.ctrlKey && !e.shiftKey && e.code === 'KeyV') return; // let the browser paste
      e.preventDefault();
      send({ kind: e.type, code: e.code, key: e.key, mods: mods(e), repeat: e.repeat });
    }
    c.addEventListener('keydown', key);
    c.addEventListener('keyup', key);
    function pos(e) {
      var r = c.getBoundingClientRect();
      return { x: Math.floor((e.clientX - r.left) / self.scale), y: Math.floor((e.clientY - r.top) / self.scale) };
    }
    ['mousedown', 'mouseup', 'mousemove'].forEach(function (t) {
      c.addEventListener(t, function (e) {
        var p = pos(e);
        if (t === 'mousedown') c.focus();
        send({ kind: t, x: p.x, y: p.y, buttons: e.buttons, mods: mods(e) });
      });
    });
    c.addEventListener('wheel', function (e) {
      e.preventDefault();
      var p = pos(e);
      send({ kind: 'wheel', x: p.x, y: p.y, dx: Math.sign(e.deltaX), dy: Math.sign(e.deltaY), mods: mods(e) });
    }, { passive: false });
    c.addEventListener('contextmenu', function (e) { e.preventDefault(); });
    c.addEventListener('paste', function (e) {
      var text = e.clipboardData && e.clipboardData.getData('text');
      if (text) { e.preventDefault(); send({ kind: 'paste', text: text }); }
    });
  };

  GuestWindow.prototype.copy = function () {
    this.os._call('win-text', { win: this.id }).then(function (text) {
      if (text && navigator.clipboard) return navigator.clipboard.writeText(text);
    }).catch(function (err) { console.warn('Nacho: copy failed', err); });
  };

  GuestWindow.prototype.close = function () {
    if (this.win) this.d.wm.close(this.win, true);
    if (this.box) { this.ro.disconnect(); this.box.remove(); }
    if (this.d.terms.length && !this.win) this.d.terms[0].focus();
  };

  GuestWindow.prototype.focus = function () {
    if (this.win) this.d.wm.focus(this.win);
    this.canvas.focus();
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
    this.guests = new Map();
    if (!options.desktop) {
      // Embedded without a desktop: one terminal fills the element.
      this.root.classList.add('nacho-single');
      var t = new Terminal(os, this.root, function () { t.term.write('\r\n[the shell has ended]\r\n'); });
      this.terms.push(t);
      this.ro = new ResizeObserver(function () { t.safeFit(); });
      this.ro.observe(this.root);
      this.acceptDrops(this.root, function (n) {
        t.term.write('\r\n\x1b[32m[' + n + (n === 1 ? ' file' : ' files') + ' imported into /home]\x1b[0m\r\n');
      });
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
    this.displayEl = el('span', 'nacho-display', bar);
    this.clock = el('span', 'nacho-clock', bar);
    this.wm = new WindowManager(area, tasks);
    this.menu = el('div', 'nacho-menu', this.root);
    this.menu.setAttribute('role', 'menu');
    this.menu.hidden = true;
    [['Terminal', function () { self.openTerminal(); }],
     ['Files', function () { self.openFiles('/home'); }],
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
    this.acceptDrops(this.root, function (n) {
      self.openFiles('/home').say('Imported ' + n + (n === 1 ? ' file' : ' files') + ' into /home.');
    });
    var first = this.openTerminal();
    if (options.run) first.type(options.run + '\r');
  }

  /** openTerminal() opens a terminal window running a login shell. */
  Desktop.prototype.openTerminal = function () {
    var self = this, t = null;
    var win = this.wm.open({
      title: 'Terminal', width: 760, height: 460,
      onResize: function () { if (t) t.safeFit(); },
      onFocus: function () {
        self.os._post({ type: 'win-focus', id: 0 });
        if (t) setTimeout(function () { t.focus(); }, 0);
      },
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

  // kernelMessage handles what the kernel's display server says.
  Desktop.prototype.kernelMessage = function (m) {
    var g = this.guests.get(m.id);
    switch (m.type) {
      case 'win-open':
        this.guests.set(m.id, new GuestWindow(this, m));
        return;
      case 'win-size':
        if (g) g.resized(m);
        return;
      case 'win-close':
        if (g) { this.guests.delete(m.id); g.close(); }
        return;
      case 'win-focus':
        if (g) g.focus();
        return;
      case 'win-recanvas':
        if (g) g.recanvas();
        return;
      case 'display':
        if (this.displayEl) {
          this.displayEl.textContent = m.backend === 'webgpu' ? 'WebGPU' : m.backend === 'canvas2d' ? 'Canvas2D' : 'no display';
          this.displayEl.title = 'Program windows are drawn with ' + m.describe;
        }
        return;
    }
  };

  /** windows() lists the open program windows: {id, canvas}. */
  Desktop.prototype.windows = function () {
    return Array.from(this.guests.values()).map(function (g) { return { id: g.id, canvas: g.canvas, scale: g.scale, width: g.width, height: g.height }; });
  };

  /** openFiles(dir) opens a file manager window. */
  Desktop.prototype.openFiles = function (dir) { return new FileManager(this, dir); };

  /** openEditor(path) opens a text editor window on a file. */
  Desktop.prototype.openEditor = function (path) { return new Editor(this, path); };

  Desktop.prototype.about = function () {
    var w = this.wm.open({ title: 'About Nacho', width: 420, height: 220 });
    w.body.classList.add('nacho-about');
    el('h2', null, w.body, 'Nacho');
    el('p', null, w.body, 'A local-first operating system in a web page: a Go kernel compiled to WebAssembly.');
    el('p', null, w.body, 'Build ' + this.os.version);
    if (this.os.display) el('p', null, w.body, 'Program windows are drawn with ' + this.os.display.describe + '.');
    if (this.os.warning) el('p', null, w.body, this.os.warning);
  };

  // acceptDrops imports files dropped anywhere on target into /home.
  Desktop.prototype.acceptDrops = function (target, done) {
    var os = this.os;
    target.addEventListener('dragover', function (e) {
      if (e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, 'Files') >= 0) e.preventDefault();
    });
    target.addEventListener('drop', function (e) {
      if (!e.dataTransfer || !e.dataTransfer.files.length) return;
      e.preventDefault();
      importDrop(os, '/home', e.dataTransfer).then(done, function (err) { console.error('Nacho: import failed', err); });
    });
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
