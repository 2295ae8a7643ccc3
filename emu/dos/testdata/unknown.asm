; unknown: an INT 21h function DOS does not have, called twice.
	org 100h
%include "dos.inc"
start:
	mov ah, 0DFh
	stc
	int 21h
	fail_nc "function DFh"
	expect_ax 1, "function DFh error"
	mov ah, 0DFh
	clc
	int 21h
	fail_nc "function DFh again"
	sayln "unknown OK"
	exit 0
