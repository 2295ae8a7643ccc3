/*
 * The kernel's Web Worker. nacho.js builds this worker from wasm_exec.js
 * (Go's WebAssembly support) followed by this file, then posts
 * {type: "boot", module, options}: the compiled kernel module and how to
 * boot. Messages that arrive before the kernel is up wait in a queue.
 */
'use strict';
(function () {
  var pending = [];
  var logTail = [];

  // Keep the last lines the Go runtime writes to stderr, so a crash can be
  // shown in the page rather than only in the console.
  var decoder = new TextDecoder();
  var origWrite = globalThis.fs && globalThis.fs.writeSync;
  if (origWrite) {
    var line = '';
    globalThis.fs.writeSync = function (fd, buf) {
      if (fd === 2) {
        line += decoder.decode(buf);
        var nl = line.lastIndexOf('\n');
        if (nl >= 0) {
          line.slice(0, nl).split('\n').forEach(function (l) {
            logTail.push(l);
            if (logTail.length > 40) logTail.shift();
            console.error(l);
          });
          line = line.slice(nl + 1);
        }
        return buf.length;
      }
      return origWrite.call(globalThis.fs, fd, buf);
    };
  }

  self.nachoPost = function (msg, transfer) { self.postMessage(msg, transfer || []); };

  // nachoYield(cb) calls cb once the event loop has had a turn: the
  // scheduler uses it so that messages (keys, commands) get through while
  // guests are busy. A MessageChannel is used rather than setTimeout, which
  // browsers clamp to 4 ms when nested.
  var yieldChan = new MessageChannel();
  var yieldQueue = [];
  yieldChan.port1.onmessage = function () {
    var q = yieldQueue;
    yieldQueue = [];
    q.forEach(function (cb) { cb(); });
  };
  self.nachoYield = function (cb) {
    yieldQueue.push(cb);
    if (yieldQueue.length === 1) yieldChan.port2.postMessage(0);
  };
  self.nachoFlushPending = function () {
    var p = pending;
    pending = [];
    p.forEach(function (m) { self.nachoKernel(m); });
  };

  self.onmessage = function (e) {
    var m = e.data;
    if (m && m.type === 'boot') { boot(m); return; }
    if (self.nachoKernel) self.nachoKernel(m); else pending.push(m);
  };

  function boot(m) {
    var go = new Go();
    go.argv = ['nacho-kernel'];
    go.env = Object.assign({}, m.options.env || {});
    self.nachoBootOptions = m.options;
    self.nachoBootModule = m.module;
    self.nachoBootPort = m.port || null; // a guest's line to its kernel
    if (m.rtcPort && self.nachoInstallRTC) self.nachoInstallRTC(m.rtcPort);
    self.nachoBootAppPort = m.appPort || null; // a program's line to the page
    WebAssembly.instantiate(m.module, go.importObject).then(function (inst) {
      return go.run(inst);
    }).then(function () {
      self.postMessage({ type: 'halted', log: logTail.join('\n') });
    }, function (err) {
      self.postMessage({ type: 'fatal', error: 'the kernel crashed: ' + (err && err.message || err) + (logTail.length ? '\n' + logTail.join('\n') : '') });
    });
  }
})();
