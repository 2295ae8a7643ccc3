//go:build linux && amd64

#include "textflag.h"

// func callStub(fn uintptr, st *State)
TEXT ·callStub(SB), 0, $128-16
	MOVQ fn+0(FP), AX
	MOVQ st+8(FP), DI
	CALL AX
	RET
