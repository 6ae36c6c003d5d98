#include "io/columns.hpp"

#include "redline/error.hpp"
#include "util/encoding.hpp"
#include "util/text.hpp"

namespace redline::columns {

const std::vector<Aliases>& aliases()
{
    static const std::vector<Aliases> a{
        {Role::Id, "id", {{"id"}, {"项目编号", "申报编号", "项目代码"}, {"编号"}, {"序号"}}},
        {Role::Name, "name", {{"name"}, {"项目名称"}, {"名称"}}},
        {Role::Industry, "industry",
         {{"industry"}, {"行业代码", "行业类别代码", "国民经济行业代码", "国民经济行业分类代码"}, {"行业类别"}}},
        {Role::Wkt, "wkt", {{"wkt"}, {"geometry", "geom", "几何"}}},
        {Role::Lon, "lon", {{"lon", "lng", "longitude", "经度", "东经"}, {"x"}}},
        {Role::Lat, "lat", {{"lat", "latitude", "纬度", "北纬"}, {"y"}}},
    };
    return a;
}

std::string help_text()
{
    std::string out;
    for (const auto& a : aliases()) {
        std::vector<std::string> names;
        for (const auto& tier : a.tiers)
            for (const auto& n : tier)
                names.push_back(n);
        out += std::string("  ") + a.label + ": " + join(names, ", ") + "\n";
    }
    return out;
}

std::string fold(const std::string& name)
{
    return to_lower_ascii(trim(encoding::fold_fullwidth(name)));
}

namespace {

const std::string& flag_value(Role r, const InputOptions& o)
{
    static const std::string none;
    switch (r) {
    case Role::Id: return o.id_field;
    case Role::Name: return o.name_field;
    case Role::Industry: return o.industry_field;
    case Role::Wkt: return o.wkt_field;
    case Role::Lon: return o.lon_field;
    case Role::Lat: return o.lat_field;
    }
    return none;
}

const char* flag_name(Role r)
{
    switch (r) {
    case Role::Id: return "--id-field";
    case Role::Name: return "--name-field";
    case Role::Industry: return "--industry-field";
    case Role::Wkt: return "--wkt-field";
    case Role::Lon: return "--lon-field";
    case Role::Lat: return "--lat-field";
    }
    return "";
}

/// The default names the options start with: not "given" by the user.
bool is_default(Role r, const std::string& v)
{
    return v.empty() || (r == Role::Id && v == "id") || (r == Role::Name && v == "name") ||
           (r == Role::Industry && v == "industry");
}

int find(Role role, const char* label, const std::vector<std::vector<std::string>>& tiers,
         const std::vector<std::string>& names, const InputOptions& options, const std::string& source)
{
    const std::string& given = flag_value(role, options);
    if (!is_default(role, given)) {
        for (std::size_t i = 0; i < names.size(); ++i)
            if (fold(names[i]) == fold(given))
                return static_cast<int>(i);
        throw UsageError("applications: no column '" + given + "' (" + flag_name(role) + ") in " + source +
                         " (columns: " + join(names, ", ") + ")");
    }
    for (const auto& tier : tiers) {
        std::vector<int> hits;
        for (std::size_t i = 0; i < names.size(); ++i)
            for (const auto& alias : tier)
                if (fold(names[i]) == fold(alias))
                    hits.push_back(static_cast<int>(i));
        if (hits.size() > 1)
            throw UsageError("applications: columns '" + names[static_cast<std::size_t>(hits[0])] + "' and '" +
                             names[static_cast<std::size_t>(hits[1])] + "' of " + source + " could both be the " +
                             label + " column: name it with " + flag_name(role));
        if (hits.size() == 1)
            return hits[0];
    }
    return -1;
}

} // namespace

bool names_industry(const std::vector<std::string>& names, const InputOptions& options)
{
    std::vector<std::string> wanted{options.industry_field};
    if (is_default(Role::Industry, options.industry_field))
        for (const auto& a : aliases())
            if (a.role == Role::Industry)
                for (const auto& tier : a.tiers)
                    wanted.insert(wanted.end(), tier.begin(), tier.end());
    for (const auto& n : names)
        for (const auto& w : wanted)
            if (fold(n) == fold(w))
                return true;
    return false;
}

Binding bind(const std::vector<std::string>& names, const InputOptions& options, bool coordinates,
             const std::string& source)
{
    Binding b;
    for (const auto& a : aliases()) {
        if (!coordinates && (a.role == Role::Wkt || a.role == Role::Lon || a.role == Role::Lat))
            continue;
        const int i = find(a.role, a.label, a.tiers, names, options, source);
        switch (a.role) {
        case Role::Id: b.id = i; break;
        case Role::Name: b.name = i; break;
        case Role::Industry: b.industry = i; break;
        case Role::Wkt: b.wkt = i; break;
        case Role::Lon: b.lon = i; break;
        case Role::Lat: b.lat = i; break;
        }
    }
    if (b.industry < 0)
        throw UsageError("applications: no industry field '" + options.industry_field + "' in " + source +
                         " (use --industry-field; fields: " + join(names, ", ") + ")");
    if (coordinates && b.wkt < 0 && (b.lon < 0 || b.lat < 0))
        throw UsageError("applications: " + source +
                         " has neither a wkt column nor lon/lat columns (fields: " + join(names, ", ") +
                         "; name them with --wkt-field or --lon-field and --lat-field)");
    return b;
}

} // namespace redline::columns
