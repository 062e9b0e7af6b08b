/*
 * protobuf-c messages as the JSON Go's encoding/json makes of containerd's gogo structs
 * (what `ctr events` and nerdctl print): proto field names, zero values omitted,
 * Timestamps as RFC 3339 strings, bytes in base64, maps as objects with sorted keys.
 */
#pragma once

#include <jansson.h>
#include <protobuf-c/protobuf-c.h>

/* New JSON object for m. */
json_t *pbjson_from_message(const ProtobufCMessage *m);

/*
 * Decodes an Any's payload by its type URL's last component among the containerd.events.*
 * messages nerdc knows; NULL when the type is unknown or the bytes do not decode.
 * Free with protobuf_c_message_free_unpacked.
 */
ProtobufCMessage *pbjson_unpack_event(const char *type_url, const uint8_t *data, size_t len);
