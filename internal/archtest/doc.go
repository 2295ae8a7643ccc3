// Package archtest holds tests that police the project's structure: which
// packages may reach the browser (syscall/js) and how browser-only files
// are marked. It has no code of its own.
package archtest
