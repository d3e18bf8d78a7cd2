/* aplab kernel oracle: see kernel.h */
#include "../kernel.h"
