#include "commands.hpp"

#include "redline/error.hpp"
#include "redline/text.hpp"

namespace redline::commands {

void check_fail_on(const std::string& fail_on)
{
    if (fail_on.empty())
        return;
    auto o = parse_outcome(fail_on);
    if (!o || *o == Outcome::Info)
        throw UsageError("--fail-on takes FAIL, INCOMPLETE or CONDITIONAL, not '" + fail_on + "'");
}

int fail_on_status(const std::string& fail_on, Outcome worst)
{
    if (fail_on.empty())
        return 0;
    return worst >= *parse_outcome(fail_on) ? 1 : 0;
}

} // namespace redline::commands
