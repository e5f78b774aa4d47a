#include "config.h"

#include "fd-api-client.h"
