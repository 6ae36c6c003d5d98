// Typed, self-reporting access to one YAML mapping of the rulebook. Every
// error names the file, line and key; keys nobody read are reported as
// unknown (a typo never passes silently).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace redline {

class Params {
public:
    /// `path` is the dotted location used in messages, e.g. "checks[2]".
    Params(const YAML::Node& node, std::string file, std::string path);

    bool has(const std::string& key) const;
    std::string string(const std::string& key) const;
    std::optional<std::string> optional_string(const std::string& key) const;
    double number(const std::string& key) const;
    std::optional<double> optional_number(const std::string& key) const;
    /// A scalar or a sequence of scalars, as strings.
    std::vector<std::string> string_list(const std::string& key) const;
    /// A nested mapping.
    Params child(const std::string& key) const;
    /// A sequence of mappings.
    std::vector<Params> children(const std::string& key) const;
    /// The scalar entries of this mapping, in file order (key, value, line).
    struct Entry {
        std::string key;
        std::string value;
        int line;
    };
    std::vector<Entry> scalar_entries() const;

    /// Throws RulebookError for `key` (or for this mapping when key is empty).
    [[noreturn]] void fail(const std::string& key, const std::string& message) const;
    /// Line (1-based) of `key`'s value, or of this mapping.
    int line(const std::string& key = {}) const;
    /// Throws for the first key present in the mapping but never read.
    void reject_unknown_keys() const;
    /// Throws for the first key of the mapping that is not in `accepted`,
    /// listing them.
    void reject_keys_not_in(const std::vector<std::string>& accepted) const;
    /// The keys of the mapping, in file order.
    std::vector<std::string> keys() const;

    const std::string& file() const { return m_file; }
    const std::string& path() const { return m_path; }

private:
    YAML::Node get(const std::string& key) const;
    std::string key_path(const std::string& key) const;
    std::shared_ptr<const YAML::Node> m_node; // shared: Params are copied, the YAML is not
    std::string m_file;
    std::string m_path;
    mutable std::set<std::string> m_read;
};

} // namespace redline
