// Internal: a set of strings in one flat table (open addressing, linear
// probing) over one buffer of their bytes.
//
// The application reader remembers every id it has seen to count repeats:
// in a std::unordered_set each insert of a new id walks to a bucket, then a
// node, then the node's string, three cache misses a record on a province's
// million ids (a quarter of reading a GeoPackage row). Here a slot holds the
// hash and where the bytes are: one miss, the bytes read only when the
// hashes agree.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace redline {

class StringSet {
public:
    /// Room for `n` strings without growing the table.
    void reserve(std::size_t n)
    {
        std::size_t want = 16;
        while (want < 2 * n)
            want *= 2;
        if (want > m_slots.size())
            rehash(want);
    }

    /// Adds `s`; false when it was there already.
    bool insert(std::string_view s)
    {
        if (2 * (m_count + 1) > m_slots.size())
            rehash(m_slots.empty() ? 16 : 2 * m_slots.size());
        const std::uint64_t h = hash(s);
        for (std::size_t i = h & (m_slots.size() - 1);; i = (i + 1) & (m_slots.size() - 1)) {
            Slot& slot = m_slots[i];
            if (slot.hash == 0) {
                slot = Slot{h, m_bytes.size()};
                const std::uint64_t n = s.size();
                m_bytes.append(reinterpret_cast<const char*>(&n), sizeof n);
                m_bytes.append(s);
                ++m_count;
                return true;
            }
            if (slot.hash == h && stored(slot) == s)
                return false;
        }
    }

    std::size_t size() const { return m_count; }

private:
    struct Slot {
        std::uint64_t hash; ///< 0: empty
        std::size_t at;     ///< in m_bytes: the size (8 bytes), then the bytes
    };
    std::string_view stored(const Slot& slot) const
    {
        std::uint64_t n = 0;
        std::memcpy(&n, m_bytes.data() + slot.at, sizeof n);
        return std::string_view(m_bytes).substr(slot.at + sizeof n, n);
    }
    static std::uint64_t hash(std::string_view s)
    {
        const std::uint64_t h = std::hash<std::string_view>{}(s);
        return h ? h : 1;
    }
    void rehash(std::size_t slots)
    {
        std::vector<Slot> old(slots, Slot{0, 0});
        old.swap(m_slots);
        for (const Slot& s : old)
            if (s.hash)
                for (std::size_t i = s.hash & (slots - 1);; i = (i + 1) & (slots - 1))
                    if (m_slots[i].hash == 0) {
                        m_slots[i] = s;
                        break;
                    }
    }
    std::vector<Slot> m_slots;
    std::string m_bytes;
    std::size_t m_count = 0;
};

} // namespace redline
