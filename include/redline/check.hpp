// The extension point: a check type (overlap, setback, ...). Each lives in
// plugins/checks/<name>.cpp and is registered in plugins/checks/register.cpp,
// one greppable list (docs/ARCHITECTURE.md: "add a check type"). The public
// methods are non-virtual and add the context every check shares (rule id,
// industries, exceptions, tolerances, the keys it accepts); plugins implement
// the private hooks only.
//
// A check type describes itself as data (CheckInfo): its parameters drive
// the rulebook's key checking and `redline checks`; how its evidence is drawn
// is declared, not guessed from its name. It measures in evaluate() and puts
// a finding into words in describe(), so the language is chosen per render.
#pragma once

#include "redline/finding.hpp"
#include "redline/lang.hpp"
#include "redline/industry.hpp"
#include "redline/layer.hpp"
#include "redline/params.hpp"
#include "redline/sink.hpp"
#include "redline/site.hpp"
#include "redline/spatial.hpp"
#include "redline/workspace.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

namespace redline {

/// What a parameter's value is, for `redline checks` and the docs.
enum class ParamKind {
    Layer,  ///< the name of a layer declared under `layers:`
    Filter, ///< an OGR SQL expression on a layer's fields
    Field,  ///< a field name of a layer
    Attr,   ///< an attribute (column) of the applications
    File,   ///< a path, relative to the rulebook's folder
    Number,
    Text,
    Distance, ///< metres: a number, or {selector: metres, ..., default: metres}
};
std::string_view param_kind_name(ParamKind kind);

/// A parameter a check type accepts, described as data so that parsing
/// (unknown and missing keys), help text and `redline checks` come from one
/// place.
struct ParamInfo {
    ParamInfo(std::string n, std::string d, bool req = false, ParamKind k = ParamKind::Text,
              std::string def = {})
        : name(std::move(n)), description(std::move(d)), required(req), kind(k), default_value(std::move(def))
    {
    }
    std::string name;
    std::string description;
    bool required = false;
    ParamKind kind = ParamKind::Text;
    std::string default_value; ///< shown in help; "" = none
};

/// How a finding's evidence and feature are drawn on a map (report, page).
enum class Drawing {
    Piece, ///< the evidence is the part of the site concerned; the feature is a constraint hit
    Zone,  ///< the feature is a zone the site lies in (unit, township): outline only
    Line,  ///< the evidence is the shortest line from the site to the feature
};

struct CheckInfo {
    CheckInfo(std::string n, std::string d, std::vector<ParamInfo> p, Drawing dr = Drawing::Piece,
              std::string unit_layer = {}, bool neutral = false)
        : name(std::move(n)), description(std::move(d)), params(std::move(p)), drawing(dr),
          unit_layer_param(std::move(unit_layer)), verdict_neutral(neutral)
    {
    }
    std::string name;        ///< the rulebook's `type`
    std::string description; ///< one line
    std::vector<ParamInfo> params; ///< type-specific parameters
    Drawing drawing = Drawing::Piece;
    /// The parameter naming the control-unit layer, when the check reads one
    /// (`validate` audits that layer's coverage); "" = none.
    std::string unit_layer_param;
    /// The type never changes a verdict (its findings are INFO, e.g. an EIA
    /// category): `zoning` needs no region from it (Check::region).
    bool verdict_neutral = false;
};

/// Zoning (SPEC §6.3): where a check raises a finding with `outcome` for a
/// point site of one industry and set of attributes. The region is the union
/// of `features` (of `layer`) and `geometries`, boundary included; with
/// `outside`, everything but that union (its boundary excluded); with
/// `everywhere`, the whole plane.
struct RegionPiece {
    std::string rule_id;
    Outcome outcome = Outcome::Fail;
    /// An INCOMPLETE for a missing input: exceptions do not replace it.
    bool missing_input = false;
    bool everywhere = false;
    bool outside = false;
    const Layer* layer = nullptr;
    std::vector<std::uint32_t> features;
    std::vector<geos::GeomPtr> geometries; ///< working CRS, made in the query's ws.ctx()
};

/// What Check::region() is asked about.
struct RegionQuery {
    const Site& site; ///< the industry and attributes; no geometry
    Workspace& ws;
    /// m: how far beyond a distance a drawn buffer may reach (it must
    /// contain every point closer than the distance: never less).
    double slack = 0.02;
};

/// The keys every check accepts besides its own (id, type, outcome, clause,
/// basis, industries, exceptions, area_tolerance, length_tolerance).
const std::vector<ParamInfo>& common_params();

/// What configure() may use: no I/O beyond what the rulebook names.
struct ConfigEnv {
    const Rulebook& rulebook;
    const IndustryTable& table;
    std::vector<std::string>* warnings = nullptr; ///< reported by validate
};

class Check {
public:
    virtual ~Check() = default;
    virtual const CheckInfo& info() const = 0;

    /// Rejects keys that are neither common nor the type's (listing the
    /// accepted ones) and missing required ones, reads the common keys and
    /// then the type's own. Throws RulebookError naming file, line and key.
    void configure(const CheckSpec& spec, const ConfigEnv& env);
    /// Binds to loaded layers (fields, `where` subsets, precomputed sums).
    /// Throws LayerError / RulebookError.
    void prepare(LayerSet& layers);
    /// Appends this check's findings for `site`. Thread-safe: const, and all
    /// per-thread state is in `ws`.
    void evaluate(const Site& site, Workspace& ws, std::vector<Finding>& out) const;
    /// Writes `f.detail` (and any wording the finding lacks, e.g. a default
    /// clause) in `lang`. `f` must come from this check. Thread-safe.
    void describe(Finding& f, Lang lang) const;

    const std::string& id() const { return m_id; }
    const std::string& type() const { return info().name; }
    /// Appends the pieces of this check's region for a point site like
    /// `q.site` (industries and exceptions applied, as evaluate() does).
    /// Returns false when the type cannot say where it applies (zoning then
    /// fails naming it); a verdict-neutral type (CheckInfo) returns true
    /// with no piece. Thread-safe like evaluate().
    bool region(const RegionQuery& q, std::vector<RegionPiece>& out) const;
    /// Zone loads for reports; only load-cap checks have them.
    virtual std::optional<ZoneLoads> zone_loads() const { return std::nullopt; }
    /// Files the check read besides layers (e.g. the access-list table),
    /// recorded with their SHA-256 in run_info.
    virtual std::vector<std::string> files() const { return {}; }

protected:
    /// A finding pre-filled with the rule id, type, outcome, clause, basis
    /// and this check.
    Finding make_finding() const;
    const Tolerances& tolerances() const { return m_tol; }
    Outcome default_outcome() const { return m_outcome; }
    const IndustryTable& table() const { return *m_table; }
    const std::string& clause() const { return m_clause; }
    const std::string& basis() const { return m_basis; }
    /// Parses selectors (with file/line/key errors), warning on unknown codes.
    IndustrySet parse_industries(const Params& p, const std::string& key,
                                 const ConfigEnv& env) const;
    /// An INCOMPLETE finding for a missing input (measure `missing_input`,
    /// empty feature key); `given` is the unusable value, if there was one.
    Finding incomplete(std::string given = {}) const;
    /// "「label」" / "'label'": a finding's feature as a sentence names it.
    static const std::string& feature_name(const Finding& f);
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
    /// The pieces of region() before exceptions; false = the type cannot say.
    /// Default: none, and true only for a verdict-neutral type.
    virtual bool do_region(const RegionQuery&, std::vector<RegionPiece>&) const
    {
        return info().verdict_neutral;
    }
    /// Returns the sentence for one of this check's findings, in `lang`.
    /// Called for every finding of a run (millions on a province): build
    /// only the language asked for (`tr()` takes both sentences made).
    virtual std::string do_describe(const Finding& f, Lang lang) const = 0;
    /// Fills wording other than the detail (e.g. coverage's default clause).
    virtual void do_describe_extra(Finding&, Lang) const {}
    /// The type's default outcome when the rulebook gives none.
    virtual Outcome fallback_outcome() const { return Outcome::Fail; }

    Outcome m_outcome = Outcome::Fail;
    std::string m_clause;
    std::string m_basis;
    IndustrySet m_industries = IndustrySet::everything();
    std::vector<Exception> m_exceptions;
    Tolerances m_tol;
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
    /// What each type declares, in registration order.
    std::vector<CheckInfo> infos() const;
    /// The declaration of type `name`, or nullopt.
    std::optional<CheckInfo> info(const std::string& name) const;
    /// The registry with every built-in check type.
    static const CheckRegistry& builtin();

private:
    std::vector<std::pair<std::string, CheckFactory>> m_factories;
};

/// plugins/checks/register.cpp: the explicit list of built-in check types.
void register_builtin_checks(CheckRegistry& registry);

} // namespace redline
