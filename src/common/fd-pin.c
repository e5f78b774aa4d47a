#include "config.h"
#include "fd-pin.h"
