/* libFuzzer target: every JSON reader of the public API.
 *
 * The first byte chooses the reader (a saved model, a journey map, a PLS
 * model, simulation settings); the rest is the document. Invariants checked
 * besides the sanitizers: a failing call leaves a message and no object, and
 * whatever a reader accepts is written back by its writer and read again to
 * the same document (write, read, write gives the same text). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cxm.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int condition)
{
    if (!condition)
        abort();
}

static void failed_cleanly(int status, const void *object)
{
    require(status < 0);
    require(object == NULL);
    require(cxm_error_message()[0] != '\0');
}

static void same_text(char *first, char *second)
{
    require(first != NULL && second != NULL && strcmp(first, second) == 0);
    cxm_free(first);
    cxm_free(second);
}

static void model(const char *text)
{
    cxm_model *m = NULL, *again = NULL;
    int status = cxm_model_from_json(&m, text);
    if (status != CXM_OK) {
        failed_cleanly(status, m);
        return;
    }
    char *first = NULL, *second = NULL;
    require(cxm_model_to_json(&first, m) == CXM_OK);
    require(cxm_model_from_json(&again, first) == CXM_OK);
    require(cxm_model_to_json(&second, again) == CXM_OK);
    same_text(first, second);
    cxm_model_free(m);
    cxm_model_free(again);
}

static void journey_map(const char *text, size_t length)
{
    cxm_journey_map *map = NULL;
    int status = cxm_journey_map_parse_json(&map, text, length, "fuzz.json");
    if (status != CXM_OK) {
        failed_cleanly(status, map);
        return;
    }
    (void)cxm_journey_map_count(map);
    cxm_journey_map_free(map);
}

static void pls_model(const char *text)
{
    cxm_pls_model *m = NULL, *again = NULL;
    int status = cxm_pls_model_from_json(&m, text);
    if (status != CXM_OK) {
        failed_cleanly(status, m);
        return;
    }
    char *first = NULL, *second = NULL;
    require(cxm_pls_model_to_json(&first, m) == CXM_OK);
    require(cxm_pls_model_from_json(&again, first) == CXM_OK);
    require(cxm_pls_model_to_json(&second, again) == CXM_OK);
    same_text(first, second);
    cxm_pls_model_free(m);
    cxm_pls_model_free(again);
}

static void sim_settings(const char *text, size_t length)
{
    cxm_sim_settings *s = NULL, *again = NULL;
    int status = cxm_sim_settings_parse_json(&s, text, length, "fuzz.json");
    if (status != CXM_OK) {
        failed_cleanly(status, s);
        return;
    }
    char *first = NULL, *second = NULL;
    require(cxm_sim_settings_to_json(&first, s) == CXM_OK);
    require(cxm_sim_settings_parse_json(&again, first, strlen(first), "written.json") == CXM_OK);
    require(cxm_sim_settings_to_json(&second, again) == CXM_OK);
    same_text(first, second);
    cxm_sim_settings_free(s);
    cxm_sim_settings_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t length = size - 1;
    char *text = malloc(length + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data + 1, length);
    text[length] = '\0';
    switch (data[0] % 4) {
    case 0:
        model(text);
        break;
    case 1:
        journey_map(text, length);
        break;
    case 2:
        pls_model(text);
        break;
    default:
        sim_settings(text, length);
        break;
    }
    free(text);
    return 0;
}
