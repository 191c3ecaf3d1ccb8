/* Checks shared by every JSON reader, and a JSON writer's last step. Internal. */
#ifndef CXM_CORE_JSON_H
#define CXM_CORE_JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* Find a key that appears twice in one object anywhere in the document:
 * cJSON keeps both members, and a reader looking keys up would silently use
 * one of them. Sets *key to the first such key found (NULL when there is
 * none) and writes the object's place to where ("segments[0]",
 * "touchpoints.checkout"; "" for the top level). Returns CXM_OK or
 * CXM_ENOMEM. */
int cxm__json_duplicate_key(const cJSON *root, char *where, size_t where_size, const char **key);

/* Parse a whole JSON document of `length` bytes (a trailing NUL may be
 * counted) and check it for repeated keys. Errors name the source and the
 * place: "SOURCE:LINE:COLUMN: JSON syntax error at '...'", "...: the JSON
 * document ends too early", "SOURCE: text after the JSON document: '...'",
 * "SOURCE: PLACE: key 'k' appears twice". On success *root is the document
 * (release it with cJSON_Delete); otherwise NULL. */
int cxm__json_parse(cJSON **root, const char *text, size_t length, const char *source);

/* Move a string printed by cJSON (NULL: out of memory) into memory released
 * by cxm_free(); the printed string is freed. CXM_OK or CXM_ENOMEM. */
int cxm__json_take(char **out, char *printed);

#endif
