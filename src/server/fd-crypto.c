#include "config.h"
#include "fd-crypto.h"
