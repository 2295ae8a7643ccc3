/*
 * Nacho: the loader and the embed API.
 *
 *   <script src="https://host/nacho.js"></script>
 *   const os = await Nacho.boot(element, { persist: "mygame" });
 *   const { code, stdout } = await os.run("ls /");
 *
 * This file is served by `nacho serve`, which fills in the names of the
 * content-hashed assets below. It downloads and compiles the kernel
 * (WebAssembly) with a progress bar, starts it in a Web Worker, and draws
 * the desktop (or a single terminal) into the element.
 */
(function (global) {
  'use strict';
  if (global.Nacho) return;

  var ASSETS = /*@NACHO_ASSETS@*/null;
  var BUILD = /*@NACHO_BUILD@*/'dev';
  var script = document.currentScript;
  var BASE = new URL('.', (script && script.src) || location.href).href;

  function assetURL(name) {
    if (!ASSETS) throw new Error('nacho.js was not served by `nacho serve` (its asset table is empty)');
    var a = ASSETS[name];
    if (!a) throw new Error('this build of Nacho has no asset "' + name + '"');
    return new URL(a.url, BASE).href;
  }

  // ---------------------------------------------------------------- loading

  var loaded = {};
  function loadScript(name) {
    if (!loaded[name]) {
      loaded[name] = new Promise(function (resolve, reject) {
        var s = document.createElement('script');
        s.src = assetURL(name);
        s.async = true;
        s.onload = resolve;
        s.onerror = function () { reject(new Error('could not load ' + name + ' from ' + s.src)); };
        document.head.appendChild(s);
      });
    }
    return loaded[name];
  }

  function loadCSS(name) {
    if (!loaded[name]) {
      loaded[name] = new Promise(function (resolve, reject) {
        var l = document.createElement('link');
        l.rel = 'stylesheet';
        l.href = assetURL(name);
        l.onload = resolve;
        l.onerror = function () { reject(new Error('could not load ' + name)); };
        document.head.appendChild(l);
      });
    }
    return loaded[name];
  }

  function fetchText(name) {
    return fetch(assetURL(name)).then(function (r) {
      if (!r.ok) throw new Error(name + ': HTTP ' + r.status + ' ' + r.statusText);
      return r.text();
    });
  }

  // compileKernel downloads kernel.wasm, reporting bytes as they arrive, and
  // compiles it while it streams in.
  function compileKernel(onProgress) {
    var total = ASSETS && ASSETS['kernel.wasm'] ? ASSETS['kernel.wasm'].size : 0;
    return fetch(assetURL('kernel.wasm')).then(function (resp) {
      if (!resp.ok) throw new Error('downloading the kernel failed: HTTP ' + resp.status + ' ' + resp.statusText);
      var got = 0;
      var body = resp.body;
      if (body && typeof TransformStream === 'function') {
        body = body.pipeThrough(new TransformStream({
          transform: function (chunk, ctrl) {
            got += chunk.byteLength;
            onProgress(got, total);
            ctrl.enqueue(chunk);
          }
        }));
        var counted = new Response(body, { headers: { 'Content-Type': 'application/wasm' } });
        if (WebAssembly.compileStreaming) return WebAssembly.compileStreaming(counted);
        return counted.arrayBuffer().then(function (b) { return WebAssembly.compile(b); });
      }
      return resp.arrayBuffer().then(function (b) { onProgress(b.byteLength, total); return WebAssembly.compile(b); });
    }).catch(function (err) {
      throw new Error('The kernel (kernel.wasm) could not be loaded: ' + (err && err.message || err));
    });
  }

  // ------------------------------------------------------------ boot screen

  function el(tag, cls, parent, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function fmtMB(n) { return (n / 1048576).toFixed(1) + ' MB'; }

  function BootScreen(element) {
    this.root = el('div', 'nacho-boot', element);
    // Inline styles: the stylesheet may not have arrived yet, or at all.
    this.root.style.cssText = 'position:absolute;inset:0;display:flex;flex-direction:column;align-items:center;' +
      'justify-content:center;background:#1d1f21;color:#c5c8c6;font:14px system-ui,sans-serif;z-index:10';
    if (getComputedStyle(element).position === 'static') element.style.position = 'relative';
    el('div', null, this.root, 'Nacho').style.cssText = 'font-size:28px;font-weight:600;margin-bottom:18px;color:#f4b942';
    var bar = el('div', null, this.root);
    bar.style.cssText = 'width:min(360px,80%);height:8px;border-radius:4px;background:#373b41;overflow:hidden';
    this.fill = el('div', null, bar);
    this.fill.style.cssText = 'height:100%;width:0;background:#f4b942;transition:width .1s';
    this.text = el('div', null, this.root, 'Loading…');
    this.text.style.cssText = 'margin-top:10px;font-variant-numeric:tabular-nums;min-height:1.4em';
    this.fill.setAttribute('role', 'progressbar');
  }
  BootScreen.prototype.progress = function (got, total) {
    var pct = total ? Math.min(100, got / total * 100) : 0;
    this.fill.style.width = pct.toFixed(1) + '%';
    this.fill.setAttribute('aria-valuenow', String(Math.round(pct)));
    this.text.textContent = 'Downloading the kernel: ' + fmtMB(got) + (total ? ' of ' + fmtMB(total) : '');
  };
  BootScreen.prototype.status = function (s) { this.text.textContent = s; };
  BootScreen.prototype.error = function (err, retry) {
    this.fill.parentNode.style.display = 'none';
    this.text.textContent = '';
    var box = el('div', null, this.root);
    box.style.cssText = 'max-width:min(560px,90%);padding:14px 18px;border:1px solid #cc6666;border-radius:6px;background:#2a1f1f;color:#f0c0c0;white-space:pre-wrap';
    el('strong', null, box, 'Nacho could not start.\n');
    el('span', null, box, String(err && err.message || err));
    if (retry) {
      var b = el('button', null, this.root, 'Try again');
      b.style.cssText = 'margin-top:14px;padding:6px 16px;font:inherit;cursor:pointer';
      b.onclick = retry;
    }
  };
  BootScreen.prototype.remove = function () { this.root.remove(); };

  // saveFile hands bytes to the user as a download.
  function saveFile(name, data) {
    var url = URL.createObjectURL(new Blob([data], { type: 'application/octet-stream' }));
    var a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.style.display = 'none';
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  // ------------------------------------------------------------- WebRTC host

  // rtcHost runs the real RTCPeerConnections for a worker's stand-ins (see
  // rtc-proxy.js): browsers offer WebRTC to windows only. It only moves
  // messages and mirrors state; it does no protocol work of its own.
  function rtcHost(port) {
    var objs = new Map();
    var nextIn = -1; // ids of channels the remote side opened
    // localStorage['nacho.debug'] = 'rtc' logs what passes.
    var debug = false;
    try { debug = /rtc/.test(localStorage.getItem('nacho.debug') || ''); } catch (e) { /* no storage */ }
    function post(m, t) {
      if (debug && m.type !== 'message') console.debug('nacho rtc ->worker', JSON.stringify(m).slice(0, 200));
      port.postMessage(m, t || []);
    }
    function desc(d) { return d ? { type: d.type, sdp: d.sdp } : null; }
    function pcState(pc) {
      return {
        connectionState: pc.connectionState, iceConnectionState: pc.iceConnectionState,
        iceGatheringState: pc.iceGatheringState, signalingState: pc.signalingState,
        localDescription: desc(pc.localDescription), remoteDescription: desc(pc.remoteDescription),
        currentLocalDescription: desc(pc.currentLocalDescription), currentRemoteDescription: desc(pc.currentRemoteDescription),
        pendingLocalDescription: desc(pc.pendingLocalDescription), pendingRemoteDescription: desc(pc.pendingRemoteDescription),
        canTrickleIceCandidates: pc.canTrickleIceCandidates
      };
    }
    function dcInfo(dc) {
      return {
        label: dc.label, ordered: dc.ordered, protocol: dc.protocol, negotiated: dc.negotiated,
        maxRetransmits: dc.maxRetransmits, maxPacketLifeTime: dc.maxPacketLifeTime, id: dc.id, readyState: dc.readyState
      };
    }
    function wireDC(dc, id) {
      dc.binaryType = 'arraybuffer';
      function ev(type, extra) {
        var m = { obj: id, type: type, readyState: dc.readyState, sctpId: dc.id, buffered: dc.bufferedAmount };
        return Object.assign(m, extra || {});
      }
      dc.onopen = function () { post(ev('open')); };
      dc.onclosing = function () { post(ev('closing')); };
      dc.onclose = function () { post(ev('close')); objs.delete(id); };
      dc.onerror = function (e) { post(ev('error', { error: String(e.error && e.error.message || 'error') })); };
      dc.onbufferedamountlow = function () { post(ev('bufferedamountlow')); };
      dc.onmessage = function (e) {
        if (typeof e.data === 'string') { post({ obj: id, type: 'message', data: e.data }); return; }
        var u = new Uint8Array(e.data);
        post({ obj: id, type: 'message', data: u }, [u.buffer]);
      };
    }
    function wirePC(pc, id) {
      pc.onicecandidate = function (e) {
        post({ obj: id, type: 'icecandidate', candidate: e.candidate ? e.candidate.toJSON() : null, state: pcState(pc) });
      };
      ['connectionstatechange', 'iceconnectionstatechange', 'icegatheringstatechange', 'signalingstatechange', 'negotiationneeded'].forEach(function (t) {
        pc['on' + t] = function () { post({ obj: id, type: t, state: pcState(pc) }); };
      });
      pc.ondatachannel = function (e) {
        var did = nextIn--;
        objs.set(did, e.channel);
        wireDC(e.channel, did);
        post({ obj: id, type: 'datachannel', dc: did, info: dcInfo(e.channel), state: pcState(pc) });
      };
    }
    port.onmessage = function (e) {
      var m = e.data, o = objs.get(m.obj);
      if (debug && !m.send) console.debug('nacho rtc <-worker', JSON.stringify(m).slice(0, 200));
      try {
        if (m.make === 'pc') {
          var pc = new RTCPeerConnection(m.config);
          objs.set(m.obj, pc);
          wirePC(pc, m.obj);
        } else if (m.make === 'dc') {
          var dc = objs.get(m.pc).createDataChannel(m.label, m.opts);
          objs.set(m.obj, dc);
          wireDC(dc, m.obj);
        } else if (m.call) {
          Promise.resolve(o[m.call].apply(o, m.args)).then(function (v) {
            post({ reply: m.id, ok: true, value: v && v.sdp !== undefined ? desc(v) : v, state: pcState(o) });
          }, function (err) {
            post({ reply: m.id, ok: false, error: { name: err.name, message: err.message }, state: pcState(o) });
          });
        } else if (m.send) {
          if (!o) return;
          var n = typeof m.data === 'string' ? m.data.length : m.data.byteLength;
          o.send(m.data);
          post({ obj: m.obj, type: 'buffered', buffered: o.bufferedAmount, acked: n, readyState: o.readyState });
        } else if (m.set === 'configuration') {
          o.setConfiguration(m.value);
        } else if (m.set) {
          o[m.set] = m.value;
        } else if (m.close) {
          if (o) o.close();
          if (o instanceof RTCPeerConnection) objs.delete(m.obj);
        }
      } catch (err) {
        if (m.call) post({ reply: m.id, ok: false, error: { name: err.name, message: err.message } });
        else console.warn('Nacho: WebRTC for a worker:', err);
      }
    };
  }

  // ------------------------------------------------------------------ rooms

  function Emitter() { this._h = {}; }
  Emitter.prototype.on = function (name, fn) {
    (this._h[name] = this._h[name] || []).push(fn);
    var self = this;
    return function () { self._h[name] = (self._h[name] || []).filter(function (f) { return f !== fn; }); };
  };
  Emitter.prototype._emit = function (name) {
    var args = Array.prototype.slice.call(arguments, 1);
    (this._h[name] || []).slice().forEach(function (f) {
      try { f.apply(null, args); } catch (err) { console.error('Nacho: a "' + name + '" handler threw', err); }
    });
  };

  // Room is a page's membership of a fabrik room; the network module's room
  // program keeps it, talking to us over port.
  function Room(os, port, pid) {
    Emitter.call(this);
    var self = this;
    this.pid = pid;
    this.id = null;
    this._members = [];
    this._channels = new Map();
    this._port = port;
    this._left = false;
    this.ready = new Promise(function (resolve, reject) { self._ready = resolve; self._fail = reject; });
    port.onmessage = function (e) {
      var m = e.data;
      switch (m.op) {
        case 'joined': self.id = m.id; self._ready(self); break;
        case 'members': self._members = m.ids; self._emit('members', m.ids.slice()); break;
        case 'message': {
          var ch = self._channels.get(m.name);
          if (ch) ch._emit('message', m.data, m.from);
          break;
        }
        case 'error':
          if (!self.id) self._fail(new Error(m.message));
          var c = m.name && self._channels.get(m.name);
          if (c) c._emit('error', new Error(m.message)); else self._emit('error', new Error(m.message));
          break;
      }
    };
    port.start();
  }
  Room.prototype = Object.create(Emitter.prototype);
  /** members() lists the peers this page is connected to. */
  Room.prototype.members = function () { return this._members.slice(); };
  /** channel(name, {unordered}) opens a named channel; resolves once joined. */
  Room.prototype.channel = function (name, opts) {
    var self = this;
    return this.ready.then(function () {
      var ch = self._channels.get(name);
      if (!ch) {
        ch = new Channel(self, String(name));
        self._channels.set(ch.name, ch);
        self._port.postMessage({ op: 'channel', name: ch.name, unordered: !!(opts && opts.unordered) });
      }
      return ch;
    });
  };
  /** leave() leaves the room; its channels stop. */
  Room.prototype.leave = function () {
    if (this._left) return;
    this._left = true;
    this._port.postMessage({ op: 'leave' });
    this._port.close();
  };

  // Channel is a named channel of a room.
  function Channel(room, name) {
    Emitter.call(this);
    this.room = room;
    this.name = name;
  }
  Channel.prototype = Object.create(Emitter.prototype);
  /** send(data, to) sends bytes or text to every member, or to one peer id. */
  Channel.prototype.send = function (data, to) {
    var u = typeof data === 'string' ? utf8.encode(data)
      : data instanceof ArrayBuffer ? new Uint8Array(data)
        : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    var copy = u.slice();
    this.room._port.postMessage({ op: 'send', name: this.name, data: copy, to: to || '' }, [copy.buffer]);
  };
  /** close() stops receiving on the channel. */
  Channel.prototype.close = function () {
    this.room._channels.delete(this.name);
    this.room._port.postMessage({ op: 'close', name: this.name });
  };

  // ---------------------------------------------------------------- NachoOS

  var utf8 = new TextEncoder();

  function toBytes(data) {
    if (typeof data === 'string') return Promise.resolve(utf8.encode(data));
    if (data instanceof Uint8Array) return Promise.resolve(data);
    if (data instanceof ArrayBuffer) return Promise.resolve(new Uint8Array(data));
    if (ArrayBuffer.isView(data)) return Promise.resolve(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (typeof Blob !== 'undefined' && data instanceof Blob) return data.arrayBuffer().then(function (b) { return new Uint8Array(b); });
    return Promise.reject(new TypeError('file data must be a string, ArrayBuffer, typed array or Blob'));
  }

  function kernelError(e) {
    var err = new Error(e.message);
    if (e.code) err.code = e.code;
    return err;
  }

  function NachoOS(worker, element, options) {
    this._worker = worker;
    this._element = element;
    this._options = options;
    this._nextId = 1;
    this._calls = new Map();
    this._runs = new Map();
    this._ttys = new Map();
    this._guests = new Map();
    this._handlers = {};
    this._stopped = false;
    this.version = BUILD;
    this.desktop = null;
    var self = this;
    worker.onmessage = function (e) { self._message(e.data); };
    worker.onerror = function (e) { self._fatal(new Error('the kernel worker failed: ' + (e.message || 'unknown error'))); };
  }

  NachoOS.prototype._post = function (msg, transfer) {
    if (this._stopped) throw new Error('Nacho has stopped');
    this._worker.postMessage(msg, transfer || []);
  };

  NachoOS.prototype._call = function (type, fields, transfer, id) {
    var self = this;
    return new Promise(function (resolve, reject) {
      if (self._stopped) { reject(new Error('Nacho has stopped')); return; }
      if (id == null) id = self._nextId++;
      self._calls.set(id, { resolve: resolve, reject: reject });
      var msg = Object.assign({ type: type, id: id }, fields);
      self._post(msg, transfer);
    });
  };

  NachoOS.prototype._emit = function (name) {
    var hs = this._handlers[name];
    if (!hs) return;
    var args = Array.prototype.slice.call(arguments, 1);
    hs.slice().forEach(function (h) {
      try { h.apply(null, args); } catch (err) { console.error('Nacho: a "' + name + '" handler threw', err); }
    });
  };

  NachoOS.prototype._message = function (m) {
    switch (m.type) {
      case 'reply': {
        var c = this._calls.get(m.id);
        if (!c) return;
        this._calls.delete(m.id);
        if (m.error) c.reject(kernelError(m.error)); else c.resolve(m.result);
        return;
      }
      case 'run-out': {
        var r = this._runs.get(m.id);
        if (!r) return;
        var text = (m.fd === 2 ? r.errDec : r.outDec).decode(m.data, { stream: true });
        if (m.fd === 2) { r.stderr += text; this._emit('stderr', text, { run: m.id }); }
        else { r.stdout += text; this._emit('stdout', text, { run: m.id }); }
        return;
      }
      case 'tty-out': {
        var t = this._ttys.get(m.id);
        if (t) t.onData(m.data);
        this._emit('stdout', t ? t.decoder.decode(m.data, { stream: true }) : '', { tty: m.id });
        return;
      }
      case 'tty-exit': {
        var tt = this._ttys.get(m.id);
        this._ttys.delete(m.id);
        if (tt && tt.onExit) tt.onExit(m.status);
        return;
      }
      case 'exit':
        this._emit('exit', { pid: m.pid, name: m.name, code: m.status });
        return;
      case 'display':
        this.display = { backend: m.backend, describe: m.describe };
        if (this.desktop) this.desktop.kernelMessage(m);
        return;
      case 'win-open': case 'win-size': case 'win-close': case 'win-focus': case 'win-recanvas':
        if (this.desktop) this.desktop.kernelMessage(m); else (this._early = this._early || []).push(m);
        return;
      case 'ready':
        if (this._onReady) this._onReady(m);
        return;
      case 'fatal':
      case 'halted':
        this._fatal(new Error(m.type === 'fatal' ? m.error : 'the kernel stopped' + (m.log ? ':\n' + m.log : '')));
        return;
      case 'download':
        saveFile(m.name, m.data);
        return;
      case 'guest-start': {
        // The kernel runs a program in a worker of its own; the page makes
        // the worker so that it has requestAnimationFrame and its canvases
        // show promptly, and passes on what the worker says of itself.
        var self = this;
        var url = URL.createObjectURL(new Blob([this._workerSource], { type: 'text/javascript' }));
        var w = new Worker(url, { name: m.name });
        URL.revokeObjectURL(url);
        var id = m.id;
        this._guests.set(id, w);
        w.onmessage = function (e) {
          var d = e.data;
          if (d && (d.type === 'fatal' || d.type === 'halted' || d.type === 'log')) {
            if (!self._stopped) self._worker.postMessage({ type: 'guest-event', id: id, event: d });
          }
        };
        w.onerror = function (e) {
          if (!self._stopped) self._worker.postMessage({ type: 'guest-event', id: id, event: { type: 'fatal', error: e.message || 'the worker failed' } });
        };
        var transfer = [];
        for (var k in m.boot) if (m.boot[k] instanceof MessagePort) transfer.push(m.boot[k]);
        w.postMessage(m.boot, transfer);
        return;
      }
      case 'guest-stop': {
        var gw = this._guests.get(m.id);
        if (gw) { gw.terminate(); this._guests.delete(m.id); }
        return;
      }
      case 'rtc-port': {
        // The kernel starts a network program: give its worker a line to
        // WebRTC, which only windows have.
        var ch = new MessageChannel();
        rtcHost(ch.port1);
        this._worker.postMessage({ type: 'answer', id: m.id, value: ch.port2 }, [ch.port2]);
        return;
      }
      case 'log':
        console[m.level === 'error' ? 'error' : 'log']('nacho:', m.text);
        return;
    }
  };

  NachoOS.prototype._fatal = function (err) {
    if (this._onBootFail) { this._onBootFail(err); return; }
    if (this._stopped) return;
    this._stopped = true;
    this._guests.forEach(function (w) { w.terminate(); });
    this._guests.clear();
    this._calls.forEach(function (c) { c.reject(err); });
    this._calls.clear();
    this._emit('error', err);
    console.error('Nacho:', err);
    if (this.desktop && this.desktop.showError) this.desktop.showError(err);
  };

  /**
   * run(cmd) runs a command line in a shell of its own and resolves with its
   * exit code and everything it wrote.
   */
  NachoOS.prototype.run = function (cmd, opts) {
    var self = this;
    opts = opts || {};
    var stdin = opts.stdin;
    return (stdin != null ? toBytes(stdin) : Promise.resolve(null)).then(function (input) {
      var rec = { stdout: '', stderr: '', outDec: new TextDecoder(), errDec: new TextDecoder() };
      var id = self._nextId++;
      self._runs.set(id, rec);
      return self._call('run', { cmd: String(cmd), stdin: input, cwd: opts.cwd || '' }, null, id).then(function (res) {
        self._runs.delete(id);
        rec.stdout += rec.outDec.decode();
        rec.stderr += rec.errDec.decode();
        return { code: res.code, stdout: rec.stdout, stderr: rec.stderr };
      }, function (err) { self._runs.delete(id); throw err; });
    });
  };

  /** writeFile(path, data) writes a whole file, creating missing parent folders. */
  NachoOS.prototype.writeFile = function (path, data) {
    var self = this;
    return toBytes(data).then(function (bytes) {
      // Copy so that transferring does not detach the caller's buffer.
      var copy = bytes.slice();
      return self._call('writeFile', { path: String(path), data: copy }, [copy.buffer]);
    }).then(function () {});
  };

  /** readFile(path) resolves with the file's bytes, or a string with {encoding: "utf8"}. */
  NachoOS.prototype.readFile = function (path, opts) {
    var enc = typeof opts === 'string' ? opts : opts && opts.encoding;
    return this._call('readFile', { path: String(path) }).then(function (bytes) {
      if (enc === 'utf8' || enc === 'utf-8') return new TextDecoder().decode(bytes);
      return bytes;
    });
  };

  /** readdir(path) lists a folder: [{name, kind: "file"|"dir"|"link", size, mode, mtime}]. */
  NachoOS.prototype.readdir = function (path) { return this._call('fs', { op: 'readdir', path: String(path) }); };
  /** stat(path) describes a file, following links; lstat does not follow them. */
  NachoOS.prototype.stat = function (path) { return this._call('fs', { op: 'stat', path: String(path) }); };
  NachoOS.prototype.lstat = function (path) { return this._call('fs', { op: 'lstat', path: String(path) }); };
  /** mkdir(path, {recursive}) makes a folder. */
  NachoOS.prototype.mkdir = function (path, opts) {
    return this._call('fs', { op: 'mkdir', path: String(path), recursive: !!(opts && opts.recursive) }).then(function () {});
  };
  /** remove(path, {recursive}) removes a file, or a folder (with everything in it when recursive). */
  NachoOS.prototype.remove = function (path, opts) {
    return this._call('fs', { op: 'remove', path: String(path), recursive: !!(opts && opts.recursive) }).then(function () {});
  };
  /** rename(from, to) moves a file or folder, atomically. */
  NachoOS.prototype.rename = function (from, to) {
    return this._call('fs', { op: 'rename', path: String(from), to: String(to) }).then(function () {});
  };
  /** zip(paths) packs files and folders into a .zip, resolved as bytes. */
  NachoOS.prototype.zip = function (paths) {
    return this._call('zip', { paths: [].concat(paths).map(String) });
  };

  /**
   * join({room, secret}) joins a room of the node that served Nacho and
   * resolves with a Room: channel(name, {unordered}) opens a named channel
   * (reliable and ordered, or unordered without retransmits for games),
   * members() lists who is connected, on("members", fn), leave().
   */
  NachoOS.prototype.join = function (opts) {
    var self = this;
    opts = opts || this._options.room || {};
    if (!opts.room || !opts.secret) return Promise.reject(new Error('join needs {room, secret}'));
    return this._call('room-join', { room: String(opts.room), secret: String(opts.secret) }).then(function (r) {
      return new Room(self, r.port, r.pid);
    });
  };

  /**
   * channel(name, {unordered}) opens a channel in the room given to
   * Nacho.boot({room: {room, secret}}) (joined on first use).
   */
  NachoOS.prototype.channel = function (name, opts) {
    if (!this._room) this._room = this.join();
    return this._room.then(function (room) { return room.channel(name, opts); });
  };

  /**
   * syncStatus() lists the synced folders: [{dir, room, status, problem,
   * files: {relative path: "LC" | "L-" | "-C" | "--"}}] (L: durable on this
   * device, C: on the node).
   */
  NachoOS.prototype.syncStatus = function () { return this._call('sync-status', {}); };

  /** sync() resolves once everything written so far is durable. */
  NachoOS.prototype.sync = function () { return this._call('sync', {}).then(function () {}); };

  /** on(event, fn): "stdout", "stderr", "exit", "error". Returns a function that removes fn. */
  NachoOS.prototype.on = function (name, fn) {
    (this._handlers[name] = this._handlers[name] || []).push(fn);
    var self = this;
    return function () { self.off(name, fn); };
  };
  NachoOS.prototype.off = function (name, fn) {
    var hs = this._handlers[name];
    if (hs) this._handlers[name] = hs.filter(function (h) { return h !== fn; });
  };

  /** stop() flushes files, ends every process and removes Nacho from the page. */
  NachoOS.prototype.stop = function () {
    if (this._stopped) return Promise.resolve();
    var self = this;
    var done = this._call('stop', {}).catch(function () {});
    var timeout = new Promise(function (r) { setTimeout(r, 3000); });
    return Promise.race([done, timeout]).then(function () {
      self._stopped = true;
      self._worker.terminate();
      self._guests.forEach(function (w) { w.terminate(); });
      self._guests.clear();
      if (self.desktop) self.desktop.destroy();
      if (self._unhook) self._unhook();
      self._calls.forEach(function (c) { c.reject(new Error('Nacho has stopped')); });
      self._calls.clear();
    });
  };

  // openTTY connects a terminal to a new login shell in the kernel.
  NachoOS.prototype.openTTY = function (cols, rows, onData, onExit) {
    var id = this._nextId++;
    var t = { id: id, onData: onData, onExit: onExit, decoder: new TextDecoder() };
    this._ttys.set(id, t);
    this._post({ type: 'tty-open', id: id, cols: cols, rows: rows });
    var self = this;
    return {
      id: id,
      input: function (s) { if (!self._stopped) self._post({ type: 'tty-in', id: id, data: s }); },
      resize: function (c, r) { if (!self._stopped) self._post({ type: 'tty-resize', id: id, cols: c, rows: r }); },
      close: function () { if (!self._stopped && self._ttys.has(id)) self._post({ type: 'tty-close', id: id }); }
    };
  };

  // ------------------------------------------------------------------- boot

  function sameOrigin(url) { return new URL(url).origin === location.origin; }

  // flushOnHide asks the kernel to commit files whenever the page is
  // hidden or closed, so that little is lost if the tab goes away.
  function flushOnHide(os) {
    function flush() { if (!os._stopped) os.sync().catch(function () {}); }
    function onVis() { if (document.visibilityState === 'hidden') flush(); }
    document.addEventListener('visibilitychange', onVis);
    window.addEventListener('pagehide', flush);
    return function () {
      document.removeEventListener('visibilitychange', onVis);
      window.removeEventListener('pagehide', flush);
    };
  }

  // askPersistence asks the browser not to evict this origin's storage
  // (StorageManager.persist exists only in windows, not in the worker).
  function askPersistence() {
    if (navigator.storage && navigator.storage.persist) {
      navigator.storage.persisted().then(function (p) { return p || navigator.storage.persist(); }).catch(function () {});
    }
  }

  function registerServiceWorker() {
    if (!('serviceWorker' in navigator) || !sameOrigin(BASE)) return;
    navigator.serviceWorker.register(new URL('sw.js', BASE).href, { scope: BASE }).catch(function (err) {
      console.warn('Nacho: offline mode is unavailable:', err && err.message || err);
    });
  }

  /**
   * Nacho.boot(element, options) boots Nacho into element.
   * options: desktop (bool; default: a single terminal), persist (namespace
   * of the persistent files), files ({path: data}), run (a command line to
   * type into the first terminal), env ({NAME: value}), serviceWorker.
   */
  function boot(element, options) {
    options = options || {};
    if (!element || element.nodeType !== 1) return Promise.reject(new TypeError('Nacho.boot needs an element to draw into'));
    var screen = new BootScreen(element);
    function attempt() {
      if (typeof WebAssembly !== 'object' || typeof Worker !== 'function') {
        return Promise.reject(new Error('this browser lacks WebAssembly or Web Workers'));
      }
      var ns = String(options.persist || 'default');
      var ui = Promise.all([loadCSS('nacho.css'), loadCSS('xterm.css'), loadScript('xterm.js'), loadScript('addon-fit.js'), loadScript('desktop.js')]);
      ui.catch(function () {});
      return Promise.all([
        compileKernel(function (got, total) { screen.progress(got, total); }),
        Promise.all([fetchText('wasm_exec.js'), fetchText('rtc-proxy.js'), fetchText('worker.js')])
      ]).then(function (r) {
        var module = r[0], src = r[1];
        screen.status('Starting the kernel…');
        var source = src.join('\n;\n');
        var url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
        var worker = new Worker(url, { name: 'nacho-kernel' });
        URL.revokeObjectURL(url);
        var os = new NachoOS(worker, element, options);
        os._workerSource = source;
        var ready = new Promise(function (resolve, reject) {
          os._onReady = function (m) {
            os.info = m;
            os.exclusive = !!m.exclusive;
            os.warning = m.warning || '';
            if (os.warning) console.warn('Nacho:', os.warning);
            resolve();
          };
          os._onBootFail = reject;
        });
        var files = options.files || {};
        var names = Object.keys(files);
        return Promise.all(names.map(function (n) { return toBytes(files[n]); })).then(function (datas) {
          var fileList = names.map(function (n, i) { return { path: n, data: datas[i] }; });
          worker.postMessage({
            type: 'boot', module: module,
            options: {
              namespace: ns, files: fileList,
              env: options.env || {}, build: BUILD, origin: location.origin,
              // The kernel starts guests in workers of their own from the
              // same code and module.
              workerSource: source,
              display: options.display || '',
              // The network module loads the first time it is needed.
              netWasm: ASSETS['net.wasm'] ? assetURL('net.wasm') : '',
              // The node that served Nacho: the default for peer and sync.
              server: BASE.replace(/\/$/, '')
            }
          });
          return Promise.all([ready, ui]);
        }).then(function () {
          os._onBootFail = null;
          screen.remove();
          os.desktop = global.NachoDesktop.create(element, os, options);
          if (os.display) os.desktop.kernelMessage({ type: 'display', backend: os.display.backend, describe: os.display.describe });
          (os._early || []).forEach(function (m) { os.desktop.kernelMessage(m); });
          os._early = null;
          os._unhook = flushOnHide(os);
          if (os.exclusive) askPersistence();
          if (options.serviceWorker) registerServiceWorker();
          return os;
        }, function (err) { worker.terminate(); throw err; });
      });
    }
    return attempt().catch(function (err) {
      screen.error(err);
      throw err;
    });
  }

  global.Nacho = { boot: boot, version: BUILD, saveFile: saveFile };
})(typeof globalThis !== 'undefined' ? globalThis : window);
