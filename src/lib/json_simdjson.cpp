// The JSON module's backend on simdjson's DOM (the default build). Only the json.h functions
// leave this file, with C linkage; simdjson is used through its error-code API and nothing
// here lets an exception escape (allocation goes through nothrow new or is caught).
//
// A parsed document is one refcounted apl_doc: the simdjson document (its own tape and
// strings, so it outlives the parser) and an arena of handles. A handle is {doc, element};
// references to any handle count on the document, and handles die with it. Views carry the
// same two things by value, so walking a document allocates nothing.
//
// Response bodies are parsed in place (the caller pads them) and their documents are reused:
// when the last reference goes, the thread keeps one document's buffers for the next parse,
// as an export frees one page before it fetches the next. Its tape and strings would otherwise
// be allocated and faulted in again for every page.
//
// Request bodies are built with jansson: simdjson only parses. A built object is an apl_doc
// whose `built` member is set, so one handle type and one refcount serve both.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <type_traits>

#include <jansson.h>
#include <simdjson.h>

#include "json.h"

namespace dom = simdjson::dom;

struct apl_doc;

struct apl_json {
    apl_doc *doc;
    dom::element element;
};

namespace
{

// Handles are handed out by getters as borrowed pointers, so they must stay put: they are
// carved from chunks that live as long as the document.
constexpr size_t kChunkHandles = 32;

struct handle_chunk {
    handle_chunk *next;
    size_t used;
    apl_json handles[kChunkHandles];
};

// The thread's parser keeps its buffers between calls (simdjson's advice); a document above
// this size gets a parser of its own so one huge body does not pin its buffers for good.
constexpr size_t kRetainedParserMax = 16u << 20;

} // namespace

struct apl_doc {
    std::atomic<size_t> refs{1};
    json_t *built = nullptr;
    bool reusable = false; // parsed from a padded response body: kept for the next one
    bool secret = false;   // its strings are wiped before its buffers are freed
    bool parsed = false;   // the tape holds a whole document (a failed parse leaves it unusable)
    dom::document dom;
    handle_chunk first{nullptr, 0, {}};
    handle_chunk *chunks = &first;

    void free_chunks() noexcept
    {
        handle_chunk *chunk = first.next;
        while (chunk) {
            handle_chunk *next = chunk->next;
            std::free(chunk);
            chunk = next;
        }
        first.next = nullptr;
        first.used = 0;
        chunks = &first;
    }

    ~apl_doc()
    {
        free_chunks();
        if (built)
            json_decref(built);
    }
};

namespace
{

// The document kept for the thread's next padded parse, with its buffers. Emptied when the
// thread ends; a page released after that (from an atexit handler, say) is simply deleted.
struct spare_doc {
    apl_doc *doc = nullptr;
    bool closed = false;
    ~spare_doc()
    {
        delete doc;
        doc = nullptr;
        closed = true;
    }
};

thread_local spare_doc spare;

apl_doc *take_doc(bool reusable, bool secret) noexcept
{
    apl_doc *doc = nullptr;

    if (reusable && !secret && spare.doc) {
        doc = spare.doc;
        spare.doc = nullptr;
    } else {
        doc = new (std::nothrow) apl_doc();
        if (!doc)
            return nullptr;
    }
    doc->reusable = reusable && !secret;
    doc->secret = secret;
    doc->parsed = false;
    doc->refs.store(1, std::memory_order_relaxed);
    return doc;
}

// Overwrite every string and key of a value in the document's string buffer, where simdjson
// put them unescaped. Depth is bounded by simdjson's own nesting limit.
void wipe_strings(dom::element element) noexcept
{
    std::string_view text;
    dom::object members;
    dom::array elements;

    if (!element.get_string().get(text)) {
        explicit_bzero(const_cast<char *>(text.data()), text.size());
    } else if (!element.get_object().get(members)) {
        for (auto cursor = members.begin(); cursor != members.end(); ++cursor) {
            explicit_bzero(const_cast<char *>(cursor.key_c_str()), cursor.key_length());
            wipe_strings(cursor.value());
        }
    } else if (!element.get_array().get(elements)) {
        for (dom::element item : elements)
            wipe_strings(item);
    }
}

// Only bodies parsed in place are kept (never the token endpoint's answers, which are parsed
// from a copy), and only up to the size the retained parser handles.
void release_doc(apl_doc *doc) noexcept
{
    if (doc->secret && doc->parsed)
        wipe_strings(doc->dom.root());
    doc->free_chunks();
    if (doc->reusable && !spare.closed && !spare.doc && doc->dom.capacity() <= kRetainedParserMax) {
        spare.doc = doc;
        return;
    }
    delete doc;
}

static_assert(std::is_trivially_copyable<dom::element>::value, "views copy elements as bytes");
static_assert(std::is_trivially_copyable<dom::object::iterator>::value, "iterators as bytes");
static_assert(std::is_trivially_copyable<dom::array::iterator>::value, "iterators as bytes");
static_assert(sizeof(dom::element) <= 2 * sizeof(void *), "element fits a view");
static_assert(sizeof(dom::object::iterator) <= 2 * sizeof(void *), "iterator fits");
static_assert(sizeof(dom::array::iterator) <= 2 * sizeof(void *), "iterator fits");

apl_json *new_handle(apl_doc *doc, dom::element element) noexcept
{
    handle_chunk *chunk = doc->chunks;

    if (chunk->used == kChunkHandles) {
        // malloc, not new: handle_chunk is trivial, and a failure is a plain NULL.
        chunk = static_cast<handle_chunk *>(std::malloc(sizeof(handle_chunk)));
        if (!chunk)
            return nullptr;
        chunk->used = 0;
        chunk->next = doc->first.next;
        doc->first.next = chunk;
        doc->chunks = chunk;
    }
    return new (&chunk->handles[chunk->used++]) apl_json{doc, element};
}

apl_json_val make_val(const apl_doc *doc, dom::element element) noexcept
{
    apl_json_val view{};

    view.priv[0] = doc;
    std::memcpy(&view.priv[1], &element, sizeof element);
    return view;
}

apl_json_val missing_val() noexcept
{
    apl_json_val view{};
    return view;
}

apl_doc *val_doc(apl_json_val value) noexcept
{
    return static_cast<apl_doc *>(const_cast<void *>(value.priv[0]));
}

dom::element val_element(apl_json_val value) noexcept
{
    dom::element element;
    std::memcpy(static_cast<void *>(&element), &value.priv[1], sizeof element);
    return element;
}

bool is_parsed(const apl_json *value) noexcept
{
    return value && !value->doc->built;
}

template <typename T> void store(const void **slot, const T &object) noexcept
{
    std::memcpy(slot, &object, sizeof object);
}

template <typename T> T load(const void *const *slot) noexcept
{
    T object;
    std::memcpy(static_cast<void *>(&object), slot, sizeof object);
    return object;
}

// Member names are short: comparing them in line beats a call to memcmp per key.
inline bool same_bytes(const char *a, const char *b, size_t len) noexcept
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t wa, wb;
        std::memcpy(&wa, a + i, 8);
        std::memcpy(&wb, b + i, 8);
        if (wa != wb)
            return false;
    }
    for (; i < len; i++) {
        if (a[i] != b[i])
            return false;
    }
    return true;
}

// What apl_json_val_scalar says of an element. Each getter matches the type just read, so none
// fails; a failure would leave "missing".
void fill_scalar(dom::element element, apl_json_scalar *out) noexcept
{
    out->kind = APL_JSON_MISSING;
    switch (element.type()) {
    case dom::element_type::NULL_VALUE:
        out->kind = APL_JSON_NULL;
        break;
    case dom::element_type::BOOL: {
        bool flag = false;
        if (!element.get_bool().get(flag))
            out->kind = flag ? APL_JSON_TRUE : APL_JSON_FALSE;
        break;
    }
    case dom::element_type::INT64:
        if (!element.get_int64().get(out->as.i))
            out->kind = APL_JSON_INT;
        break;
    case dom::element_type::UINT64:
        if (!element.get_uint64().get(out->as.u))
            out->kind = APL_JSON_UINT;
        break;
    case dom::element_type::DOUBLE:
        if (!element.get_double().get(out->as.d))
            out->kind = APL_JSON_REAL;
        break;
    case dom::element_type::STRING: {
        std::string_view text;
        if (!element.get_string().get(text)) {
            out->kind = APL_JSON_STRING;
            out->as.s.text = text.data();
            out->as.s.len = text.size();
        }
        break;
    }
    case dom::element_type::OBJECT:
        out->kind = APL_JSON_OBJECT;
        break;
    case dom::element_type::ARRAY:
        out->kind = APL_JSON_ARRAY;
        break;
    }
}

char *copy_out(const std::string &text) noexcept
{
    char *copy = static_cast<char *>(std::malloc(text.size() + 1));
    if (!copy)
        return nullptr;
    std::memcpy(copy, text.data(), text.size());
    copy[text.size()] = '\0';
    return copy;
}

// simdjson stops at the first error without saying where. A failed parse is rare and small
// bodies are the usual culprits, so jansson reads it again to name line and column.
void explain_failure(const char *text, size_t len, simdjson::error_code code, bool secret,
                     char *errbuf, size_t errbuf_size) noexcept
{
    json_error_t error;
    json_t *again;

    if (!errbuf || errbuf_size == 0)
        return;
    // jansson would copy a secret text's strings into memory nobody wipes.
    if (secret) {
        std::snprintf(errbuf, errbuf_size, "%s", simdjson::error_message(code));
        return;
    }
    if (code == simdjson::MEMALLOC) {
        std::snprintf(errbuf, errbuf_size, "out of memory");
        return;
    }
    again = json_loadb(text, len, JSON_DECODE_ANY, &error);
    if (again) {
        json_decref(again);
        std::snprintf(errbuf, errbuf_size, "%s", simdjson::error_message(code));
        return;
    }
    std::snprintf(errbuf, errbuf_size, "%s (line %d, column %d)", error.text, error.line,
                  error.column);
}

// Parse a padded text in place.
simdjson::error_code parse_into(apl_doc *doc, const char *text, size_t len,
                                dom::element &root) noexcept
{
    static thread_local dom::parser retained;

    if (len > kRetainedParserMax) {
        dom::parser own;
        return own.parse_into_document(doc->dom, text, len, false).get(root);
    }

    // simdjson grows buffers to exactly the size at hand, so pages of an export, each a little
    // larger than the last, would reallocate them time after time; a quarter more avoids that.
    // Untouched capacity costs address space, not memory.
    if (doc->reusable) {
        size_t wanted = len + len / 4;
        if (doc->dom.capacity() < len && doc->dom.allocate(wanted) != simdjson::SUCCESS)
            return simdjson::MEMALLOC;
        if (retained.capacity() < len && retained.allocate(wanted) != simdjson::SUCCESS)
            return simdjson::MEMALLOC;
    }
    return retained.parse_into_document(doc->dom, text, len, false).get(root);
}

// Parse an unpadded text from a padded copy of our own. The parser's own copy would stay in
// its retained buffer until a later parse overwrote it, secrets included; ours is wiped.
simdjson::error_code parse_copy(apl_doc *doc, const char *text, size_t len,
                                dom::element &root) noexcept
{
    if (len > SIZE_MAX - simdjson::SIMDJSON_PADDING)
        return simdjson::CAPACITY;
    char *copy = static_cast<char *>(std::malloc(len + simdjson::SIMDJSON_PADDING));
    if (!copy)
        return simdjson::MEMALLOC;
    std::memcpy(copy, text, len);
    std::memset(copy + len, 0, simdjson::SIMDJSON_PADDING);
    simdjson::error_code code = parse_into(doc, copy, len, root);
    if (doc->secret)
        explicit_bzero(copy, len);
    std::free(copy);
    return code;
}

} // namespace

extern "C" {

apl_json *apl_json_parse(const char *text, size_t len, int flags, char *errbuf, size_t errbuf_size)
{
    dom::element root;
    bool padded = (flags & APL_JSON_PADDED) != 0;
    bool secret = (flags & APL_JSON_SECRET) != 0;

    if (errbuf && errbuf_size > 0)
        errbuf[0] = '\0';
    if (!text) {
        text = "";
        len = 0;
        padded = false;
    }

    apl_doc *doc = take_doc(padded, secret);
    if (!doc) {
        explain_failure(text, len, simdjson::MEMALLOC, secret, errbuf, errbuf_size);
        return nullptr;
    }
    // Bodies are objects or arrays, but a bare value is still valid JSON; the decoders check
    // the shape they expect and say so by name.
    simdjson::error_code code =
        padded ? parse_into(doc, text, len, root) : parse_copy(doc, text, len, root);
    if (code) {
        release_doc(doc);
        explain_failure(text, len, code, secret, errbuf, errbuf_size);
        return nullptr;
    }
    doc->parsed = true;
    // The first handle is the embedded chunk's, so this cannot fail.
    return new_handle(doc, root);
}

apl_json *apl_json_incref(apl_json *value)
{
    if (value)
        value->doc->refs.fetch_add(1, std::memory_order_relaxed);
    return value;
}

void apl_json_decref(apl_json *value)
{
    if (value && value->doc->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
        release_doc(value->doc);
}

int apl_json_is_object(const apl_json *value)
{
    if (value && value->doc->built)
        return json_is_object(value->doc->built);
    return is_parsed(value) && value->element.type() == dom::element_type::OBJECT;
}

int apl_json_is_array(const apl_json *value)
{
    return is_parsed(value) && value->element.type() == dom::element_type::ARRAY;
}

int apl_json_is_null(const apl_json *value)
{
    return !value || (is_parsed(value) && value->element.is_null());
}

apl_json *apl_json_get(const apl_json *object, const char *key)
{
    apl_json_val member = apl_json_val_get(apl_json_view(object), key);

    if (!member.priv[0])
        return nullptr;
    return new_handle(object->doc, val_element(member));
}

char *apl_json_dump(const apl_json *value)
{
    if (!value)
        return nullptr;
    if (value->doc->built)
        return json_dumps(value->doc->built, JSON_COMPACT | JSON_ENCODE_ANY);
    try {
        return copy_out(simdjson::minify(value->element));
    } catch (...) {
        // Only std::bad_alloc can come out of building the string.
        return nullptr;
    }
}

apl_json *apl_json_object_new(void)
{
    apl_doc *doc = new (std::nothrow) apl_doc();

    if (!doc)
        return nullptr;
    doc->built = json_object();
    if (!doc->built) {
        delete doc;
        return nullptr;
    }
    return new_handle(doc, dom::element());
}

int apl_json_set_string(apl_json *object, const char *key, const char *value)
{
    if (!object || !object->doc->built)
        return -1;
    json_t *member_value = value ? json_string(value) : json_null();

    // json_object_set_new releases the value even when it fails, so nothing leaks.
    if (!member_value)
        return -1;
    return json_object_set_new(object->doc->built, key, member_value) == 0 ? 0 : -1;
}

int apl_json_set_int(apl_json *object, const char *key, int64_t value)
{
    if (!object || !object->doc->built)
        return -1;
    json_t *member_value = json_integer(static_cast<json_int_t>(value));

    if (!member_value)
        return -1;
    return json_object_set_new(object->doc->built, key, member_value) == 0 ? 0 : -1;
}

// ---- views ---------------------------------------------------------------------------------

apl_json_val apl_json_view(const apl_json *value)
{
    if (!is_parsed(value))
        return missing_val();
    return make_val(value->doc, value->element);
}

apl_json *apl_json_val_ref(apl_json_val value)
{
    apl_doc *doc = val_doc(value);

    if (!doc)
        return nullptr;
    apl_json *handle = new_handle(doc, val_element(value));
    if (handle)
        doc->refs.fetch_add(1, std::memory_order_relaxed);
    return handle;
}

void apl_json_val_scalar(apl_json_val value, apl_json_scalar *out)
{
    if (!value.priv[0]) {
        out->kind = APL_JSON_MISSING;
        return;
    }
    fill_scalar(val_element(value), out);
}

enum apl_json_kind apl_json_val_kind(apl_json_val value)
{
    if (!value.priv[0])
        return APL_JSON_MISSING;
    switch (val_element(value).type()) {
    case dom::element_type::OBJECT:
        return APL_JSON_OBJECT;
    case dom::element_type::ARRAY:
        return APL_JSON_ARRAY;
    case dom::element_type::NULL_VALUE:
        return APL_JSON_NULL;
    default: {
        apl_json_scalar scalar;
        apl_json_val_scalar(value, &scalar);
        return scalar.kind;
    }
    }
}

apl_json_val apl_json_val_get(apl_json_val object, const char *key)
{
    apl_json_iter iter;
    apl_json_val found = missing_val();
    apl_json_val member;
    const char *name;
    size_t name_len;

    if (!key || apl_json_object_iter(object, &iter) != 0)
        return found;
    size_t key_len = std::strlen(key);
    // The last of duplicate keys wins, as it did with jansson.
    while (apl_json_object_next(&iter, &name, &name_len, &member)) {
        if (name_len == key_len && std::memcmp(name, key, key_len) == 0)
            found = member;
    }
    return found;
}

// priv[0] = the document, priv[1..2] = the cursor, priv[3..4] = the end.
int apl_json_object_iter(apl_json_val object, apl_json_iter *iter)
{
    dom::object members;

    std::memset(iter, 0, sizeof *iter);
    if (!object.priv[0] || val_element(object).get_object().get(members))
        return -1;
    iter->priv[0] = object.priv[0];
    store(&iter->priv[1], members.begin());
    store(&iter->priv[3], members.end());
    return 0;
}

int apl_json_object_next(apl_json_iter *iter, const char **key, size_t *key_len,
                         apl_json_val *value)
{
    if (!iter->priv[0])
        return 0;
    auto cursor = load<dom::object::iterator>(&iter->priv[1]);
    if (cursor == load<dom::object::iterator>(&iter->priv[3]))
        return 0;
    *key = cursor.key_c_str();
    *key_len = cursor.key_length();
    *value = make_val(static_cast<const apl_doc *>(iter->priv[0]), cursor.value());
    ++cursor;
    store(&iter->priv[1], cursor);
    return 1;
}

void apl_json_object_collect(apl_json_val object, const apl_json_name *names, size_t stride,
                             size_t count, apl_json_val *found, apl_json_scalar *scalars)
{
    dom::object members;

    for (size_t i = 0; i < count; i++) {
        found[i] = missing_val();
        scalars[i].kind = APL_JSON_MISSING;
    }
    if (count == 0 || !object.priv[0] || val_element(object).get_object().get(members))
        return;

    const apl_doc *doc = static_cast<const apl_doc *>(object.priv[0]);
    const char *table = reinterpret_cast<const char *>(names);
    size_t hint = 0;
    for (auto cursor = members.begin(); cursor != members.end(); ++cursor) {
        size_t key_len = cursor.key_length();
        const char *key = cursor.key_c_str();

        for (size_t n = 0; n < count; n++) {
            size_t i = hint + n < count ? hint + n : hint + n - count;
            const apl_json_name *name = reinterpret_cast<const apl_json_name *>(table + i * stride);

            if (name->len == key_len && same_bytes(name->text, key, key_len)) {
                dom::element value = cursor.value();
                found[i] = make_val(doc, value);
                fill_scalar(value, &scalars[i]);
                hint = i + 1 < count ? i + 1 : 0;
                break;
            }
        }
    }
}

size_t apl_json_array_iter(apl_json_val array, apl_json_iter *iter)
{
    dom::array elements;

    std::memset(iter, 0, sizeof *iter);
    if (!array.priv[0] || val_element(array).get_array().get(elements))
        return static_cast<size_t>(-1);
    iter->priv[0] = array.priv[0];
    store(&iter->priv[1], elements.begin());
    store(&iter->priv[3], elements.end());

    // The tape keeps the count in 24 bits; a longer array is counted by walking it.
    size_t count = elements.size();
    if (count == 0xFFFFFF) {
        count = 0;
        for (auto cursor = elements.begin(); cursor != elements.end(); ++cursor)
            count++;
    }
    return count;
}

int apl_json_array_next(apl_json_iter *iter, apl_json_val *value)
{
    if (!iter->priv[0])
        return 0;
    auto cursor = load<dom::array::iterator>(&iter->priv[1]);
    if (cursor == load<dom::array::iterator>(&iter->priv[3]))
        return 0;
    *value = make_val(static_cast<const apl_doc *>(iter->priv[0]), *cursor);
    ++cursor;
    store(&iter->priv[1], cursor);
    return 1;
}

} // extern "C"
