/*
 * A bump allocator for the memory of one decoded model: its arrays, its addresses and the text
 * of numbers the API sent where a string was expected. Everything is released at once with
 * the model, so decoding a page costs a handful of mallocs instead of one per member.
 */
#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/*
 * Chunks start small, for a single order or a map, and double up to a cap for a page. Large
 * chunks are above malloc's mmap threshold, so a freed page gives its memory back to the system
 * at once instead of leaving it resident in the heap while the next body is parsed.
 */
#define CHUNK_FIRST 16384
#define CHUNK_MAX (1024 * 1024)

typedef struct apl_arena_chunk {
    struct apl_arena_chunk *next;
    size_t used;
    size_t size;
    alignas(max_align_t) unsigned char data[];
} apl_arena_chunk;

static size_t align_up(size_t size)
{
    return (size + alignof(max_align_t) - 1) & ~(alignof(max_align_t) - 1);
}

void *apl_arena_alloc(apl_arena *arena, size_t size)
{
    apl_arena_chunk *chunk = arena->head;
    size_t rounded;

    if (size > SIZE_MAX / 2)
        return NULL;
    rounded = align_up(size ? size : 1);

    if (!chunk || chunk->size - chunk->used < rounded) {
        size_t next_size = chunk ? chunk->size * 2 : CHUNK_FIRST;

        if (next_size > CHUNK_MAX)
            next_size = CHUNK_MAX;
        /* A block larger than a quarter of the next chunk gets a chunk of its own, linked
         * behind the current one, so the current chunk keeps serving small requests. */
        int own = rounded > next_size / 4;
        size_t data_size = own ? rounded : next_size;
        apl_arena_chunk *fresh = malloc(sizeof *fresh + data_size);

        if (!fresh)
            return NULL;
        fresh->size = data_size;
        fresh->used = 0;
        if (chunk && own) {
            fresh->next = chunk->next;
            chunk->next = fresh;
        } else {
            fresh->next = chunk;
            arena->head = fresh;
        }
        chunk = fresh;
    }

    void *block = chunk->data + chunk->used;
    chunk->used += rounded;
    return block;
}

void *apl_arena_calloc(apl_arena *arena, size_t count, size_t size)
{
    void *block;

    if (size != 0 && count > SIZE_MAX / 2 / size)
        return NULL;
    block = apl_arena_alloc(arena, count * size);
    if (block)
        memset(block, 0, count * size);
    return block;
}

char *apl_arena_strndup(apl_arena *arena, const char *text, size_t len)
{
    char *copy = apl_arena_alloc(arena, len + 1);

    if (!copy)
        return NULL;
    memcpy(copy, text, len);
    copy[len] = '\0';
    return copy;
}

void apl_arena_free(apl_arena *arena)
{
    apl_arena_chunk *chunk;

    if (!arena)
        return;
    chunk = arena->head;
    while (chunk) {
        apl_arena_chunk *next = chunk->next;
        free(chunk);
        chunk = next;
    }
    arena->head = NULL;
}
