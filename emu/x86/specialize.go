package x86

// specialize picks a faster handler for common instruction forms. Every
// specialised handler must do exactly what the generic one does; a test
// runs both on random state and compares.
func specialize(in *inst) {}
