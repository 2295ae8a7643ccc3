package x86

// disasmInst renders a decoded instruction (filled in later).
func (c *CPU) disasmInst(in *inst) string { return "" }
