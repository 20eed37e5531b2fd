# tests/dataplane/: the hardware-VTEP lab through vtepd, with vtep-ctl as
# the controller.  (The labs of the HAL test programs register with their
# modules: sim/module.mk, hal/netdev/module.mk.)
SCRIPT_TESTS += tests/dataplane/vtepd-sim.sh
SCRIPT_TESTS += tests/dataplane/vtepd-netdev.sh
