/*
 * WebRTC for workers. Browsers offer RTCPeerConnection only to windows, but
 * Nacho's network programs run in Web Workers. The page hosts the real
 * connections (rtcHost, in nacho.js); in the worker, nachoInstallRTC
 * defines RTCPeerConnection and RTCDataChannel as stand-ins that forward
 * every call, and mirror every state and event, over a MessagePort. The
 * page's main thread only moves messages; the protocol work (SCTP framing
 * is the browser's, chunk hashing is Go's) stays off it.
 *
 * This file is appended to the worker's source by nacho.js.
 */
'use strict';
self.nachoInstallRTC = function (port) {
  if (typeof self.RTCPeerConnection === 'function') return; // a browser that has it
  var nextId = 1;
  var calls = new Map();
  var objs = new Map();

  function post(msg, transfer) { port.postMessage(msg, transfer || []); }
  function call(obj, method, args) {
    return new Promise(function (resolve, reject) {
      var id = nextId++;
      calls.set(id, { resolve: resolve, reject: reject, obj: obj });
      post({ call: method, obj: obj._id, id: id, args: args || [] });
    });
  }

  port.onmessage = function (e) {
    var m = e.data;
    if (m.reply) {
      var c = calls.get(m.reply);
      if (!c) return;
      calls.delete(m.reply);
      if (m.state) c.obj._state(m.state);
      if (m.ok) c.resolve(m.value);
      else {
        var err = new Error(m.error.message);
        err.name = m.error.name;
        c.reject(err);
      }
      return;
    }
    var o = objs.get(m.obj);
    if (o) o._event(m);
  };

  function fire(target, type, ev) {
    var h = target['on' + type];
    if (typeof h === 'function') h.call(target, ev);
    var ls = target._listeners[type];
    if (ls) ls.slice().forEach(function (l) { l.call(target, ev); });
  }
  function listeners(proto) {
    proto.addEventListener = function (type, fn) { (this._listeners[type] = this._listeners[type] || []).push(fn); };
    proto.removeEventListener = function (type, fn) {
      var ls = this._listeners[type];
      if (ls) this._listeners[type] = ls.filter(function (l) { return l !== fn; });
    };
  }

  function DataChannel(id, info) {
    this._id = id;
    this._listeners = {};
    this._pending = 0; // bytes sent here that the page has not handed on yet
    this._mainBuffered = 0;
    this.label = info.label;
    this.ordered = info.ordered !== false;
    this.protocol = info.protocol || '';
    this.negotiated = !!info.negotiated;
    this.maxRetransmits = info.maxRetransmits == null ? null : info.maxRetransmits;
    this.maxPacketLifeTime = info.maxPacketLifeTime == null ? null : info.maxPacketLifeTime;
    this.id = info.id == null ? null : info.id;
    this.readyState = info.readyState || 'connecting';
    this.binaryType = 'arraybuffer';
    this._threshold = 0;
    objs.set(id, this);
  }
  listeners(DataChannel.prototype);
  Object.defineProperty(DataChannel.prototype, 'bufferedAmount', {
    get: function () { return this._mainBuffered + this._pending; }
  });
  Object.defineProperty(DataChannel.prototype, 'bufferedAmountLowThreshold', {
    get: function () { return this._threshold; },
    set: function (v) { this._threshold = v; post({ set: 'bufferedAmountLowThreshold', obj: this._id, value: v }); }
  });
  DataChannel.prototype.send = function (data) {
    if (this.readyState !== 'open') throw new DOMException('RTCDataChannel.readyState is not \'open\'', 'InvalidStateError');
    if (typeof data === 'string') {
      this._pending += data.length;
      post({ send: true, obj: this._id, data: data });
      return;
    }
    var u = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    var copy = u.slice();
    this._pending += copy.byteLength;
    post({ send: true, obj: this._id, data: copy }, [copy.buffer]);
  };
  DataChannel.prototype.close = function () {
    if (this.readyState === 'closed') return;
    this.readyState = 'closing';
    post({ close: true, obj: this._id });
  };
  DataChannel.prototype._event = function (m) {
    var before = this.bufferedAmount;
    if (m.readyState) this.readyState = m.readyState;
    if (m.sctpId != null) this.id = m.sctpId;
    if (m.buffered != null) this._mainBuffered = m.buffered;
    if (m.acked) this._pending = Math.max(0, this._pending - m.acked);
    switch (m.type) {
      case 'message': fire(this, 'message', { data: m.data }); break;
      case 'open': case 'close': case 'closing': fire(this, m.type, {}); break;
      case 'error': fire(this, 'error', { error: m.error }); break;
      case 'buffered': case 'bufferedamountlow':
        // As in the browser: fire when the amount falls to the threshold.
        if (before > this._threshold && this.bufferedAmount <= this._threshold) fire(this, 'bufferedamountlow', {});
        break;
    }
    if (m.type === 'close') objs.delete(this._id);
  };

  function PeerConnection(config) {
    this._id = nextId++;
    this._listeners = {};
    this._config = config || {};
    this.connectionState = 'new';
    this.iceConnectionState = 'new';
    this.iceGatheringState = 'new';
    this.signalingState = 'stable';
    this.localDescription = null;
    this.remoteDescription = null;
    this.currentLocalDescription = null;
    this.currentRemoteDescription = null;
    this.pendingLocalDescription = null;
    this.pendingRemoteDescription = null;
    this.canTrickleIceCandidates = null;
    this.sctp = null;
    objs.set(this._id, this);
    post({ make: 'pc', obj: this._id, config: this._config });
  }
  listeners(PeerConnection.prototype);
  PeerConnection.prototype._state = function (s) {
    for (var k in s) this[k] = s[k];
  };
  ['createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription', 'addIceCandidate'].forEach(function (name) {
    PeerConnection.prototype[name] = function () {
      var args = Array.prototype.map.call(arguments, function (a) { return a == null ? a : JSON.parse(JSON.stringify(a)); });
      return call(this, name, args);
    };
  });
  PeerConnection.prototype.getConfiguration = function () { return this._config; };
  PeerConnection.prototype.setConfiguration = function (c) { this._config = c; post({ set: 'configuration', obj: this._id, value: c }); };
  PeerConnection.prototype.close = function () {
    this.connectionState = 'closed';
    this.signalingState = 'closed';
    post({ close: true, obj: this._id });
  };
  PeerConnection.prototype.createDataChannel = function (label, opts) {
    opts = opts || {};
    var id = nextId++;
    var dc = new DataChannel(id, {
      label: label, ordered: opts.ordered, protocol: opts.protocol, negotiated: opts.negotiated,
      maxRetransmits: opts.maxRetransmits, maxPacketLifeTime: opts.maxPacketLifeTime, id: opts.id
    });
    post({ make: 'dc', obj: id, pc: this._id, label: label, opts: JSON.parse(JSON.stringify(opts)) });
    return dc;
  };
  PeerConnection.prototype.getTransceivers = function () { return []; };
  PeerConnection.prototype._event = function (m) {
    if (m.state) this._state(m.state);
    switch (m.type) {
      case 'icecandidate':
        fire(this, 'icecandidate', { candidate: m.candidate });
        break;
      case 'datachannel':
        fire(this, 'datachannel', { channel: new DataChannel(m.dc, m.info) });
        break;
      default:
        fire(this, m.type, {});
    }
  };

  self.RTCPeerConnection = PeerConnection;
  // pion's js build looks for window.RTCPeerConnection; a worker has no
  // window, so give it one that holds just that.
  if (typeof self.window === 'undefined') self.window = { RTCPeerConnection: PeerConnection };
  self.RTCDataChannel = DataChannel;
  self.RTCSessionDescription = function (init) { return init; };
  self.RTCIceCandidate = function (init) { return init; };
};
