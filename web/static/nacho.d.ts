// Type definitions for Nacho's embed API (nacho.js).
//
//   <script src="https://host/nacho.js"></script>
//   const os = await Nacho.boot(document.getElementById("nacho"), { persist: "mygame" });

export interface BootOptions {
  /** Draw a desktop with windows and a taskbar. Default: one terminal fills the element. */
  desktop?: boolean;
  /** Namespace of the persistent files, so that two embeds on one site do not share files. Default "default". */
  persist?: string;
  /** Files to write before the first terminal starts, by absolute path. Parent folders are made. */
  files?: Record<string, string | ArrayBuffer | ArrayBufferView | Blob>;
  /** A command line typed into the first terminal once it is up, e.g. "run /GAME.EXE". */
  run?: string;
  /** Extra environment variables for the kernel's processes. */
  env?: Record<string, string>;
  /** How program windows are drawn: "webgpu" or "canvas2d". Default: WebGPU where the browser has an adapter, else Canvas2D. */
  display?: "webgpu" | "canvas2d";
  /** The room that channel() uses: peers of the same node with the same room and secret meet there. */
  room?: { room: string; secret: string };
  /** Register the service worker so the page boots offline (same-origin pages only). */
  serviceWorker?: boolean;
}

export interface RunResult {
  /** Exit status: 0 for success, 127 command not found, 128+N when signal N ended it. */
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Standard input for the command. */
  stdin?: string | ArrayBuffer | ArrayBufferView | Blob;
  /** Working directory (default /home). */
  cwd?: string;
}

export interface FileStat {
  name: string;
  kind: "file" | "dir" | "link";
  size: number;
  /** Permission bits, e.g. 0o644. */
  mode: number;
  /** Modification time, milliseconds since the epoch. */
  mtime: number;
}

export interface ChannelOptions {
  /** Unordered, without retransmits: for games, where late is as bad as lost. Default: reliable and ordered. */
  unordered?: boolean;
}

export interface NachoRoom {
  /** This page's peer id in the room. */
  readonly id: string;
  /** The peers this page is connected to. */
  members(): string[];
  channel(name: string, options?: ChannelOptions): Promise<NachoChannel>;
  on(event: "members", fn: (ids: string[]) => void): () => void;
  on(event: "error", fn: (err: Error) => void): () => void;
  leave(): void;
}

export interface NachoChannel {
  readonly name: string;
  /** Send to every member, or to one peer id. At most 64 KiB a message. */
  send(data: string | ArrayBuffer | ArrayBufferView, to?: string): void;
  on(event: "message", fn: (data: Uint8Array, from: string) => void): () => void;
  on(event: "error", fn: (err: Error) => void): () => void;
  close(): void;
}

export interface SyncedFolder {
  dir: string;
  room: string;
  /** "synced", "syncing N files", "offline, M changes waiting", "starting" or "stopped". */
  status: string;
  problem: string;
  /** Per file (relative path): "LC" durable here and on the node, "L-" here only, "-C", "--". */
  files: Record<string, string>;
}

export interface ExitEvent {
  pid: number;
  name: string;
  code: number;
}

/** A terminal of the desktop. */
export interface NachoTerminal {
  /** What the terminal shows, one line per row. */
  text(): string;
  /** Send keys as if typed ("\r" is Enter). */
  type(keys: string): void;
  focus(): void;
}

export interface NachoDesktop {
  /** Open a new terminal window (desktop mode). */
  openTerminal(): NachoTerminal;
  /** The open terminals. */
  terminals(): NachoTerminal[];
}

/** An error from the kernel; code is the errno name (ENOENT, EISDIR, ...) when there is one. */
export interface NachoError extends Error {
  code?: string;
}

export interface NachoOS {
  /** The build id of the running kernel. */
  readonly version: string;
  /** False when another tab owns this namespace's persistent files; files are then temporary. */
  readonly exclusive: boolean;
  readonly desktop: NachoDesktop;
  /** Run a command line in a shell of its own; resolves when it ends. */
  run(cmd: string, options?: RunOptions): Promise<RunResult>;
  /** Write a whole file (atomically: old or new content, never a mix). Makes missing parent folders. */
  writeFile(path: string, data: string | ArrayBuffer | ArrayBufferView | Blob): Promise<void>;
  /** Read a whole file. */
  readFile(path: string): Promise<Uint8Array>;
  readFile(path: string, options: { encoding: "utf8" } | "utf8"): Promise<string>;
  /** List a folder. */
  readdir(path: string): Promise<FileStat[]>;
  /** Describe a file, following a symbolic link; lstat does not follow it. */
  stat(path: string): Promise<FileStat>;
  lstat(path: string): Promise<FileStat>;
  /** Make a folder (and its parents with recursive). */
  mkdir(path: string, options?: { recursive?: boolean }): Promise<void>;
  /** Remove a file or an empty folder (any folder with recursive). */
  remove(path: string, options?: { recursive?: boolean }): Promise<void>;
  /** Move a file or folder, atomically, replacing a file at `to`. */
  rename(from: string, to: string): Promise<void>;
  /** Pack files and folders into a .zip. */
  zip(paths: string | string[]): Promise<Uint8Array>;
  /** Join a room of the node that served Nacho (peer-to-peer over WebRTC). */
  join(options?: { room: string; secret: string }): Promise<NachoRoom>;
  /** Open a channel in the room given to Nacho.boot({room}). */
  channel(name: string, options?: ChannelOptions): Promise<NachoChannel>;
  /** The folders kept in sync with rooms (`sync add DIR ROOM` in the shell). */
  syncStatus(): Promise<SyncedFolder[]>;
  /** Resolves once everything written so far is durable. */
  sync(): Promise<void>;
  /** Output of run() commands and terminals, and process exits. Returns a function that unsubscribes. */
  on(event: "stdout" | "stderr", fn: (text: string, source: { run?: number; tty?: number }) => void): () => void;
  on(event: "exit", fn: (e: ExitEvent) => void): () => void;
  on(event: "error", fn: (err: Error) => void): () => void;
  off(event: string, fn: (...args: any[]) => void): void;
  /** Flush files, end every process and remove Nacho from the page. */
  stop(): Promise<void>;
}

export interface NachoStatic {
  /** Boot Nacho into element. Rejects (and shows why in the element) if it cannot start. */
  boot(element: HTMLElement, options?: BootOptions): Promise<NachoOS>;
  readonly version: string;
}

declare global {
  const Nacho: NachoStatic;
  interface Window {
    Nacho: NachoStatic;
    /** The hosted page's NachoOS, once booted. */
    nacho?: NachoOS;
  }
}
