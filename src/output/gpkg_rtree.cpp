#include "output/gpkg_rtree.hpp"

#include "output/output_dataset.hpp"
#include "util/radix_sort.hpp"

#include "redline/error.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <future>
#include <memory>

namespace redline::gpkg {

void DbClose::operator()(sqlite3* db) const noexcept
{
    sqlite3_close(db);
}

void StmtFinalize::operator()(sqlite3_stmt* s) const noexcept
{
    sqlite3_finalize(s);
}

namespace {

void exec(sqlite3* db, const std::string& sql)
{
    char* message = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string m = message ? message : sqlite3_errmsg(db);
        sqlite3_free(message);
        throw OutputError("spatial index: " + m + " (in: " + sql.substr(0, 120) + ")");
    }
}

StmtPtr prepare(sqlite3* db, const std::string& sql)
{
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) != SQLITE_OK)
        throw OutputError("spatial index: " + std::string(sqlite3_errmsg(db)) + " (in: " + sql + ")");
    return StmtPtr(s);
}

void step_done(sqlite3* db, sqlite3_stmt* s)
{
    if (sqlite3_step(s) != SQLITE_DONE)
        throw OutputError("spatial index: " + std::string(sqlite3_errmsg(db)));
    sqlite3_reset(s);
}

// SQLite's R*Tree stores single-precision boxes rounded outwards, so that a
// box always contains the double-precision one (rtree.c, rtreeValueDown/Up).
float round_down(double d)
{
    float f = static_cast<float>(d);
    return static_cast<double>(f) > d ? std::nextafter(f, -INFINITY) : f;
}
float round_up(double d)
{
    float f = static_cast<float>(d);
    return static_cast<double>(f) < d ? std::nextafter(f, INFINITY) : f;
}

} // namespace

void SpatialIndex::add(std::int64_t fid, double min_x, double min_y, double max_x, double max_y)
{
    envelopes.push_back({fid, round_down(min_x), round_down(min_y), round_up(max_x), round_up(max_y)});
}

namespace {

struct Box {
    float min_x, max_x, min_y, max_y;
    double cx() const { return 0.5 * (static_cast<double>(min_x) + max_x); }
    double cy() const { return 0.5 * (static_cast<double>(min_y) + max_y); }
    void expand(const Box& b)
    {
        min_x = std::min(min_x, b.min_x);
        max_x = std::max(max_x, b.max_x);
        min_y = std::min(min_y, b.min_y);
        max_y = std::max(max_y, b.max_y);
    }
};

/// A cell of a node: a feature (leaf) or a child node, with its box.
struct Cell {
    std::int64_t id;
    Box box;
};

struct Node {
    std::vector<Cell> cells;
    std::int64_t number = 0; ///< nodeno; the root is 1
    Box box() const
    {
        Box b = cells.front().box;
        for (const Cell& c : cells)
            b.expand(c.box);
        return b;
    }
};

/// Sort-tile-recursive packing of one level: cells -> nodes of at most
/// `fanout`. The cells end up in id order; `node_of`, when given, is filled
/// with the node (an index into the result) each of them went to.
std::vector<Node> pack(std::vector<Cell>& cells, std::size_t fanout, std::vector<std::uint32_t>* node_of = nullptr)
{
    const std::size_t n = cells.size();
    const std::size_t nodes = (n + fanout - 1) / fanout;
    const auto slices = static_cast<std::size_t>(std::ceil(std::sqrt(static_cast<double>(nodes))));
    const std::size_t per_slice = slices * fanout;
    // Sorted by (centre x, id), then each slice by (centre y, id): as pairs
    // (centre, position) with the cells in id order, so that the position
    // breaks ties as the id would (sorting the pairs costs a third of
    // sorting the cells with the centres computed in each comparison).
    if (!std::is_sorted(cells.begin(), cells.end(), [](const Cell& a, const Cell& b) { return a.id < b.id; }))
        std::sort(cells.begin(), cells.end(), [](const Cell& a, const Cell& b) { return a.id < b.id; });
    std::vector<std::pair<double, std::uint32_t>> order(n);
    for (std::size_t i = 0; i < n; ++i)
        order[i] = {cells[i].box.cx(), static_cast<std::uint32_t>(i)};
    // Stable by the centre alone: positions are in order, so ties keep it.
    radix_sort(order, [](const std::pair<double, std::uint32_t>& p) { return ordered_key(p.first); });
    std::vector<Node> out;
    out.reserve(nodes + slices);
    if (node_of)
        node_of->assign(n, 0);
    for (std::size_t s = 0; s < n; s += per_slice) {
        const auto first = order.begin() + static_cast<std::ptrdiff_t>(s);
        const auto end = order.begin() + static_cast<std::ptrdiff_t>(std::min(n, s + per_slice));
        for (auto it = first; it < end; ++it)
            it->first = cells[it->second].box.cy();
        std::sort(first, end);
        for (auto it = first; it < end;) {
            const auto stop = it + std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(fanout), end - it);
            Node node;
            node.cells.reserve(static_cast<std::size_t>(stop - it));
            for (; it < stop; ++it) {
                node.cells.push_back(cells[it->second]);
                if (node_of)
                    (*node_of)[it->second] = static_cast<std::uint32_t>(out.size());
            }
            out.push_back(std::move(node));
        }
    }
    return out;
}

void put_u16(unsigned char* p, unsigned v)
{
    p[0] = static_cast<unsigned char>(v >> 8);
    p[1] = static_cast<unsigned char>(v);
}
void put_i64(unsigned char* p, std::int64_t v)
{
    auto u = static_cast<std::uint64_t>(v);
    for (int i = 7; i >= 0; --i, u >>= 8)
        p[i] = static_cast<unsigned char>(u);
}
void put_f32(unsigned char* p, float f)
{
    std::uint32_t u;
    std::memcpy(&u, &f, 4);
    for (int i = 3; i >= 0; --i, u >>= 8)
        p[i] = static_cast<unsigned char>(u);
}

std::string rtree_name(const SpatialIndex& index)
{
    return "rtree_" + index.table + "_" + index.column;
}

/// The R*Tree's node size for this database (from its page size): the
/// empty root node SQLite wrote when the table was created tells it.
std::size_t node_size_of(sqlite3* db, const std::string& rtree)
{
    StmtPtr s = prepare(db, "SELECT length(data) FROM " + sql_identifier(rtree + "_node") + " WHERE nodeno = 1");
    const std::size_t size =
        sqlite3_step(s.get()) == SQLITE_ROW ? static_cast<std::size_t>(sqlite3_column_int(s.get(), 0)) : 0;
    if (size <= 4 || (size - 4) / 24 < 4)
        throw OutputError("spatial index: unexpected R*Tree node size " + std::to_string(size));
    return size;
}

/// A packed tree, ready to be written: levels[0] are the leaves, the last
/// level is the root; cell ids above the leaves are node numbers.
struct PackedTree {
    std::vector<std::vector<Node>> levels;
    std::vector<std::pair<std::int64_t, std::int64_t>> rowids; ///< (fid, leaf), by fid
};

PackedTree pack_tree(const std::vector<Envelope>& envelopes, std::size_t fanout)
{
    PackedTree t;
    if (envelopes.empty())
        return t;
    // Leaves, then each level above them, until one node is left: the root.
    std::vector<Cell> cells;
    cells.reserve(envelopes.size());
    for (const Envelope& e : envelopes)
        cells.push_back(Cell{e.fid, Box{e.min_x, e.max_x, e.min_y, e.max_y}});
    std::vector<std::uint32_t> leaf_of; // cell (in fid order) -> its leaf
    t.levels.push_back(pack(cells, fanout, &leaf_of));
    while (t.levels.back().size() > 1) {
        std::vector<Cell> up;
        up.reserve(t.levels.back().size());
        for (std::size_t i = 0; i < t.levels.back().size(); ++i)
            up.push_back(Cell{static_cast<std::int64_t>(i), t.levels.back()[i].box()});
        t.levels.push_back(pack(up, fanout));
    }
    // Number the nodes from the root down; a parent's cells then point at
    // their children's numbers (cell ids above the leaves are indexes into
    // the level below until now).
    std::int64_t next = 1;
    for (auto level = t.levels.rbegin(); level != t.levels.rend(); ++level)
        for (Node& n : *level)
            n.number = next++;
    for (std::size_t l = t.levels.size() - 1; l > 0; --l)
        for (Node& n : t.levels[l])
            for (Cell& cell : n.cells)
                cell.id = t.levels[l - 1][static_cast<std::size_t>(cell.id)].number;
    // rowid -> leaf, in rowid order (cheap B-tree appends): the leaves'
    // cells are in fid order, each knows its leaf.
    t.rowids.reserve(cells.size());
    for (std::size_t i = 0; i < cells.size(); ++i)
        t.rowids.emplace_back(cells[i].id, t.levels.front()[leaf_of[i]].number);
    return t;
}

/// Inserts (a, b) integer pairs into `table`(`columns`), many rows a
/// statement: one statement per row costs more than the row.
///
/// With `next_rowid`, the first column is the table's rowid and the rows are
/// in its order: a row whose rowid is one more than the row before's gets
/// NULL, so that SQLite takes the largest rowid plus one, the same number,
/// without the seek that a named rowid costs (the R-tree's `_rowid` table:
/// 1.0 s instead of 1.7 s for 3.3 M rows, measured; the fids without an
/// entry, rows without a geometry, are where a rowid is named).
void insert_pairs(sqlite3* db, const std::string& table, const std::string& columns,
                  const std::vector<std::pair<std::int64_t, std::int64_t>>& rows, bool next_rowid = false)
{
    // Few statements: each multi-row INSERT into a table with an INTEGER
    // PRIMARY KEY keeps a statement journal, into which SQLite copies the
    // file's first page (64 KiB here) when the statement grows the file. At
    // 500 rows a statement that was 8,000 copies, 0.5 GB, on the province.
    constexpr std::size_t per_statement = 8192; // 16,384 parameters, under SQLite's 32,766
    auto sql = [&](std::size_t n) {
        std::string q = "INSERT INTO " + sql_identifier(table) + "(" + columns + ") VALUES ";
        for (std::size_t i = 0; i < n; ++i)
            q += i ? ",(?,?)" : "(?,?)";
        return q;
    };
    StmtPtr full;
    for (std::size_t at = 0; at < rows.size(); at += per_statement) {
        const std::size_t n = std::min(per_statement, rows.size() - at);
        StmtPtr tail;
        if (n == per_statement && !full)
            full = prepare(db, sql(n));
        if (n < per_statement)
            tail = prepare(db, sql(n));
        sqlite3_stmt* s = n == per_statement ? full.get() : tail.get();
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t r = at + i;
            if (next_rowid && r > 0 && rows[r].first == rows[r - 1].first + 1)
                sqlite3_bind_null(s, static_cast<int>(2 * i + 1));
            else
                sqlite3_bind_int64(s, static_cast<int>(2 * i + 1), rows[r].first);
            sqlite3_bind_int64(s, static_cast<int>(2 * i + 2), rows[r].second);
        }
        step_done(db, s);
    }
}

void write_index(sqlite3* db, const SpatialIndex& index, const PackedTree& tree, std::size_t node_size)
{
    const std::string rtree = rtree_name(index);
    const std::string t = sql_identifier(index.table), c = sql_identifier(index.column);
    const std::size_t cell_size = 8 + 4 * 4;

    if (!tree.levels.empty()) {
        const auto& levels = tree.levels;
        exec(db, "DELETE FROM " + sql_identifier(rtree + "_node"));
        StmtPtr node = prepare(db, "INSERT INTO " + sql_identifier(rtree + "_node") + "(nodeno, data) VALUES (?, ?)");
        std::vector<unsigned char> blob(node_size);
        for (const auto& level : levels)
            for (const Node& n : level) {
                std::fill(blob.begin(), blob.end(), 0);
                if (n.number == 1)
                    put_u16(blob.data(), static_cast<unsigned>(levels.size() - 1)); // tree depth
                put_u16(blob.data() + 2, static_cast<unsigned>(n.cells.size()));
                for (std::size_t i = 0; i < n.cells.size(); ++i) {
                    unsigned char* p = blob.data() + 4 + i * cell_size;
                    put_i64(p, n.cells[i].id);
                    put_f32(p + 8, n.cells[i].box.min_x);
                    put_f32(p + 12, n.cells[i].box.max_x);
                    put_f32(p + 16, n.cells[i].box.min_y);
                    put_f32(p + 20, n.cells[i].box.max_y);
                }
                sqlite3_bind_int64(node.get(), 1, n.number);
                sqlite3_bind_blob(node.get(), 2, blob.data(), static_cast<int>(blob.size()), SQLITE_STATIC);
                step_done(db, node.get());
            }
        std::vector<std::pair<std::int64_t, std::int64_t>> parents; // every node but the root
        for (std::size_t l = 1; l < levels.size(); ++l)
            for (const Node& p : levels[l])
                for (const Cell& cell : p.cells)
                    parents.emplace_back(cell.id, p.number);
        insert_pairs(db, rtree + "_parent", "nodeno, parentnode", parents);
        insert_pairs(db, rtree + "_rowid", "rowid, nodeno", tree.rowids, true);
        if (!tree.rowids.empty() && sqlite3_last_insert_rowid(db) != tree.rowids.back().first)
            throw OutputError("spatial index: the last row of '" + rtree + "_rowid' got rowid " +
                              std::to_string(sqlite3_last_insert_rowid(db)) + ", not " +
                              std::to_string(tree.rowids.back().first));
    }

    // What GDAL writes for a GeoPackage 1.2 RTree: the triggers that keep the
    // index in step with later edits, and the extension's registration.
    const std::string r = sql_identifier(rtree);
    const std::string values = "VALUES (NEW.\"fid\",ST_MinX(NEW." + c + "), ST_MaxX(NEW." + c +
                               "),ST_MinY(NEW." + c + "), ST_MaxY(NEW." + c + "))";
    exec(db, "CREATE TRIGGER " + sql_identifier(rtree + "_insert") + " AFTER INSERT ON " + t + " WHEN (new." + c +
                 " NOT NULL AND NOT ST_IsEmpty(NEW." + c + ")) BEGIN INSERT OR REPLACE INTO " + r + " " +
                 values + "; END");
    exec(db, "CREATE TRIGGER " + sql_identifier(rtree + "_update1") + " AFTER UPDATE OF " + c + " ON " + t +
                 " WHEN OLD.\"fid\" = NEW.\"fid\" AND (NEW." + c + " NOTNULL AND NOT ST_IsEmpty(NEW." + c +
                 ")) BEGIN INSERT OR REPLACE INTO " + r + " " + values + "; END");
    exec(db, "CREATE TRIGGER " + sql_identifier(rtree + "_update2") + " AFTER UPDATE OF " + c + " ON " + t +
                 " WHEN OLD.\"fid\" = NEW.\"fid\" AND (NEW." + c + " ISNULL OR ST_IsEmpty(NEW." + c +
                 ")) BEGIN DELETE FROM " + r + " WHERE id = OLD.\"fid\"; END");
    exec(db, "CREATE TRIGGER " + sql_identifier(rtree + "_update3") + " AFTER UPDATE ON " + t +
                 " WHEN OLD.\"fid\" != NEW.\"fid\" AND (NEW." + c + " NOTNULL AND NOT ST_IsEmpty(NEW." + c +
                 ")) BEGIN DELETE FROM " + r + " WHERE id = OLD.\"fid\"; INSERT OR REPLACE INTO " + r + " " +
                 values + "; END");
    exec(db, "CREATE TRIGGER " + sql_identifier(rtree + "_update4") + " AFTER UPDATE ON " + t +
                 " WHEN OLD.\"fid\" != NEW.\"fid\" AND (NEW." + c + " ISNULL OR ST_IsEmpty(NEW." + c +
                 ")) BEGIN DELETE FROM " + r + " WHERE id IN (OLD.\"fid\", NEW.\"fid\"); END");
    exec(db, "CREATE TRIGGER " + sql_identifier(rtree + "_delete") + " AFTER DELETE ON " + t + " WHEN old." + c +
                 " NOT NULL BEGIN DELETE FROM " + r + " WHERE id = OLD.\"fid\"; END");
    exec(db, "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope) "
             "VALUES (" + sql_text(index.table) + ", " + sql_text(index.column) +
             ", 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')");
}

} // namespace

void write_spatial_indexes(const std::string& path, std::vector<SpatialIndex>& indexes, bool side_by_side)
{
    sqlite3* raw = nullptr;
    // Used by this thread alone (the trees are packed beside it, not written):
    // no mutex around each call.
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    DbPtr db(raw);
    if (rc != SQLITE_OK)
        throw OutputError("spatial index: cannot open '" + path + "': " +
                          (raw ? sqlite3_errmsg(raw) : "out of memory"));
    // The file is still under its temporary name: a failure removes it whole.
    exec(db.get(), "PRAGMA synchronous = OFF");
    // The statement journals (above) in memory, not in a file under /var/tmp.
    exec(db.get(), "PRAGMA temp_store = MEMORY");
    exec(db.get(), "BEGIN");
    exec(db.get(), "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, "
                   "extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, "
                   "CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))");
    // Every table first (each tells the node size), then the trees packed
    // side by side while the first is written.
    std::vector<std::size_t> node_sizes;
    for (const SpatialIndex& index : indexes) {
        const std::string rtree = rtree_name(index);
        exec(db.get(), "CREATE VIRTUAL TABLE " + sql_identifier(rtree) + " USING rtree(id, minx, maxx, miny, maxy)");
        node_sizes.push_back(node_size_of(db.get(), rtree));
    }
    std::vector<std::future<PackedTree>> trees;
    for (std::size_t i = 0; i < indexes.size(); ++i)
        trees.push_back(std::async(side_by_side ? std::launch::async : std::launch::deferred, pack_tree,
                                   std::cref(indexes[i].envelopes), (node_sizes[i] - 4) / 24));
    for (std::size_t i = 0; i < indexes.size(); ++i)
        write_index(db.get(), indexes[i], trees[i].get(), node_sizes[i]);
    exec(db.get(), "COMMIT");
    if (sqlite3_close(db.release()) != SQLITE_OK)
        throw OutputError("spatial index: cannot close '" + path + "'");
}

} // namespace redline::gpkg
