#include "config.h"
#include "fd-certs.h"
