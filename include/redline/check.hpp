// The extension point: a check type (overlap, setback, ...). Each lives in
// plugins/<name>.cpp and is registered in plugins/register.cpp, one
// greppable list. The public methods are non-virtual and add the context
// every check shares (rule id, industries, exceptions, tolerances); plugins
// implement the private hooks only.
#pragma once

#include "redline/finding.hpp"
#include "redline/industry.hpp"
#include "redline/layer.hpp"
#include "redline/params.hpp"
#include "redline/site.hpp"
#include "redline/spatial.hpp"
#include "redline/workspace.hpp"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace redline {

enum class Lang { Zh, En };
/// Picks the Chinese or the English text.
inline const std::string& tr(Lang lang, const std::string& zh, const std::string& en)
{
    return lang == Lang::Zh ? zh : en;
}

/// A parameter a check type accepts, described as data so that help text
/// and validation come from one place.
struct ParamInfo {
    std::string name;
    std::string description;
    bool required = false;
};

struct CheckInfo {
    std::string name;        ///< the rulebook's `type`
    std::string description; ///< one line
    std::vector<ParamInfo> params; ///< type-specific parameters
};

/// What configure() may use: no I/O beyond what the rulebook names.
struct ConfigEnv {
    const Rulebook& rulebook;
    const IndustryTable& table;
    Lang lang = Lang::Zh;
    std::vector<std::string>* warnings = nullptr; ///< reported by validate
};

/// Loads per zone that a check knows (capacity), for the zone summary.
struct ZoneLoads {
    std::string check_id;
    std::string zones_layer;
    std::string attr; ///< the application attribute adding to the load
    std::string unit;
    std::vector<double> existing;             ///< by feature index
    std::vector<std::optional<double>> caps;  ///< by feature index
};

class Check {
public:
    virtual ~Check() = default;
    virtual const CheckInfo& info() const = 0;

    /// Reads the common keys (id, outcome, clause, basis, industries,
    /// exceptions, tolerances) and then the type's own; rejects unknown
    /// keys. Throws RulebookError naming file, line and key.
    void configure(const CheckSpec& spec, const ConfigEnv& env);
    /// Binds to loaded layers (fields, `where` subsets, precomputed sums).
    /// Throws LayerError / RulebookError.
    void prepare(LayerSet& layers);
    /// Appends this check's findings for `site`. Thread-safe: const, and all
    /// per-thread state is in `ws`.
    void evaluate(const Site& site, Workspace& ws, std::vector<Finding>& out) const;

    const std::string& id() const { return m_id; }
    const std::string& type() const { return info().name; }
    /// Zone loads for reports; only load-cap checks have them.
    virtual std::optional<ZoneLoads> zone_loads() const { return std::nullopt; }
    /// Files the check read besides layers (e.g. the access-list table),
    /// recorded with their SHA-256 in run_info.
    virtual std::vector<std::string> files() const { return {}; }

protected:
    /// A finding pre-filled with the rule id, type, outcome, clause and basis.
    Finding make_finding() const;
    Lang lang() const { return m_lang; }
    const Tolerances& tolerances() const { return m_tol; }
    Outcome default_outcome() const { return m_outcome; }
    const IndustryTable& table() const { return *m_table; }
    const std::string& clause() const { return m_clause; }
    const std::string& basis() const { return m_basis; }
    /// Parses selectors (with file/line/key errors), warning on unknown codes.
    IndustrySet parse_industries(const Params& p, const std::string& key,
                                 const ConfigEnv& env) const;
    /// An INCOMPLETE finding for a missing input (empty feature key).
    Finding incomplete(const std::string& what_zh, const std::string& what_en) const;
    /// Reads a layer name and checks the rulebook declares it.
    static std::string layer_param(const Params& p, const std::string& key, const ConfigEnv& env);
    /// Fills layer, key, label, measure, value, share and evidence from an overlap.
    void describe_overlap(Finding& f, const Site& site, const Layer& layer, std::size_t feature,
                          const Overlap& o, Workspace& ws) const;

    std::string m_id;

private:
    struct Exception {
        IndustrySet industries;
        Outcome outcome;
        std::string clause;
        std::string basis;
    };
    virtual void do_configure(const Params& params, const ConfigEnv& env) = 0;
    virtual void do_prepare(LayerSet&) {}
    virtual void do_evaluate(const Site& site, Workspace& ws, std::vector<Finding>& out) const = 0;
    /// The type's default outcome when the rulebook gives none.
    virtual Outcome fallback_outcome() const { return Outcome::Fail; }

    Outcome m_outcome = Outcome::Fail;
    std::string m_clause;
    std::string m_basis;
    IndustrySet m_industries = IndustrySet::everything();
    std::vector<Exception> m_exceptions;
    Tolerances m_tol;
    Lang m_lang = Lang::Zh;
    const IndustryTable* m_table = nullptr;
};

using CheckFactory = std::function<std::unique_ptr<Check>()>;

/// Check types by name. Populated by register_builtin_checks() — no static
/// initialisers.
class CheckRegistry {
public:
    void add(const std::string& name, CheckFactory factory);
    /// nullptr when unknown.
    std::unique_ptr<Check> create(const std::string& name) const;
    std::vector<std::string> names() const;
    /// The registry with every built-in check type.
    static const CheckRegistry& builtin();

private:
    std::vector<std::pair<std::string, CheckFactory>> m_factories;
};

/// plugins/register.cpp: the explicit list of built-in check types.
void register_builtin_checks(CheckRegistry& registry);

} // namespace redline
