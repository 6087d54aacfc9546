#include "common/leptonica.h"

namespace redbox::lept {

void silence_messages() { setMsgSeverity(L_SEVERITY_NONE); }

}  // namespace redbox::lept
