#include "redline/params.hpp"

#include "redline/error.hpp"
#include "util/text.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>

namespace redline {

RulebookError::RulebookError(const std::string& file, int line, const std::string& key,
                             const std::string& message)
    : Error(file + (line > 0 ? ":" + std::to_string(line) : "") +
            (key.empty() ? "" : ": " + key) + ": " + message)
{
}

Params::Params(const YAML::Node& node, std::string file, std::string path)
    : m_node(std::make_shared<const YAML::Node>(node)), m_file(std::move(file)), m_path(std::move(path))
{
    if (!m_node->IsMap())
        fail({}, "expected a mapping of keys to values");
}

std::string Params::key_path(const std::string& key) const
{
    if (key.empty())
        return m_path;
    return m_path.empty() ? key : m_path + "." + key;
}

int Params::line(const std::string& key) const
{
    if (!key.empty()) {
        YAML::Node n = (*m_node)[key];
        if (n && n.Mark().line >= 0)
            return n.Mark().line + 1;
    }
    return m_node->Mark().line >= 0 ? m_node->Mark().line + 1 : 0;
}

void Params::fail(const std::string& key, const std::string& message) const
{
    throw RulebookError(m_file, line(key), key_path(key), message);
}

bool Params::has(const std::string& key) const
{
    m_read.insert(key);
    YAML::Node n = (*m_node)[key];
    return n && !n.IsNull();
}

YAML::Node Params::get(const std::string& key) const
{
    m_read.insert(key);
    return (*m_node)[key];
}

std::optional<std::string> Params::optional_string(const std::string& key) const
{
    YAML::Node n = get(key);
    if (!n || n.IsNull())
        return std::nullopt;
    if (!n.IsScalar())
        fail(key, "expected a single value");
    return n.Scalar();
}

std::string Params::string(const std::string& key) const
{
    auto v = optional_string(key);
    if (!v)
        fail(key, "required key is missing");
    return *v;
}

std::optional<double> Params::optional_number(const std::string& key) const
{
    auto s = optional_string(key);
    if (!s)
        return std::nullopt;
    auto v = parse_double(*s);
    if (!v)
        fail(key, "expected a number, not '" + *s + "'");
    return v;
}

double Params::number(const std::string& key) const
{
    auto v = optional_number(key);
    if (!v)
        fail(key, "required key is missing");
    return *v;
}

std::vector<std::string> Params::string_list(const std::string& key) const
{
    YAML::Node n = get(key);
    std::vector<std::string> out;
    if (!n || n.IsNull())
        return out;
    if (n.IsScalar()) {
        out.push_back(n.Scalar());
        return out;
    }
    if (!n.IsSequence())
        fail(key, "expected a list");
    for (const auto& item : n) {
        if (!item.IsScalar())
            fail(key, "expected a list of single values");
        out.push_back(item.Scalar());
    }
    return out;
}

Params Params::child(const std::string& key) const
{
    YAML::Node n = get(key);
    if (!n || !n.IsMap())
        fail(key, "expected a mapping");
    return Params(n, m_file, key_path(key));
}

std::vector<Params> Params::children(const std::string& key) const
{
    YAML::Node n = get(key);
    std::vector<Params> out;
    if (!n || n.IsNull())
        return out;
    if (!n.IsSequence())
        fail(key, "expected a list");
    std::size_t i = 0;
    for (const auto& item : n) {
        std::string p = key_path(key) + "[" + std::to_string(i++) + "]";
        if (!item.IsMap())
            throw RulebookError(m_file, item.Mark().line + 1, p, "expected a mapping");
        out.emplace_back(item, m_file, p);
    }
    return out;
}

std::vector<Params::Entry> Params::scalar_entries() const
{
    std::vector<Entry> out;
    for (const auto& kv : *m_node) {
        std::string key = kv.first.Scalar();
        m_read.insert(key);
        if (!kv.second.IsScalar())
            fail(key, "expected a single value");
        out.push_back({key, kv.second.Scalar(), kv.second.Mark().line + 1});
    }
    return out;
}

std::vector<std::string> Params::keys() const
{
    std::vector<std::string> out;
    for (const auto& kv : *m_node)
        out.push_back(kv.first.Scalar());
    return out;
}

void Params::reject_keys_not_in(const std::vector<std::string>& accepted) const
{
    for (const auto& kv : *m_node) {
        std::string key = kv.first.Scalar();
        if (std::find(accepted.begin(), accepted.end(), key) == accepted.end())
            throw RulebookError(m_file, kv.first.Mark().line + 1, key_path(key),
                                "unknown key (a typo?); accepted: " + join(accepted, ", "));
    }
}

void Params::reject_unknown_keys() const
{
    for (const auto& kv : *m_node) {
        std::string key = kv.first.Scalar();
        if (m_read.count(key) == 0)
            throw RulebookError(m_file, kv.first.Mark().line + 1, key_path(key),
                                "unknown key (a typo?)");
    }
}

} // namespace redline
