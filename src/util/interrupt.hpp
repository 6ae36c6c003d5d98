// SIGINT / SIGTERM during a batch: the handler only cancels the pipeline's
// CancelToken (an atomic store); the pipeline stops, abandons its sinks
// (temporary files removed, nothing appears under a final name) and throws
// Cancelled, which the command turns into Interrupted. main() maps it to 128 + signal
// (130 for SIGINT, 143 for SIGTERM). A second signal gets the default
// action (immediate termination).
#pragma once

#include "redline/error.hpp"

namespace redline {

class CancelToken;

/// Installs the SIGINT and SIGTERM handlers: the signal cancels `token`
/// with the signal number as its reason. `token` must outlive the process's
/// use of the handlers (a command's run()).
void install_interrupt_handlers(CancelToken& token);

class Interrupted : public Error {
public:
    explicit Interrupted(int signal);
    int signal() const { return m_signal; }
    int exit_status() const { return 128 + m_signal; }

private:
    int m_signal;
};

} // namespace redline
