/* Posts a painting with app_data for a player, lists the title's posts, gives a Yeah to the
 * newest post by someone else, and prints what it got.
 *
 *   post_painting <plaza url> <title id> <app key> <player token>
 *
 * Build (see docs/GAMES.md, "SDK"):
 *   cargo build --release -p plaza-sdk
 *   cc -std=c11 -Wall -Wextra -o post_painting sdk/examples/c/post_painting.c \
 *      -Isdk/include -Ltarget/release -lplaza_sdk -Wl,-rpath,"$PWD/target/release"
 */
#include <plaza.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prints the thread's last error (status, Plaza's code, message) and returns 1. */
static int fail(const char *what, PlazaStatus status) {
    char *code = plaza_last_error_code();
    char *message = plaza_last_error_message();
    fprintf(stderr, "%s failed: %s (HTTP %u, %s): %s\n", what, plaza_status_name((int32_t)status),
            (unsigned)plaza_last_error_http_status(), code ? code : "no code",
            message ? message : "no message");
    plaza_string_free(code);
    plaza_string_free(message);
    return 1;
}

static void print_hex(const uint8_t *bytes, size_t len) {
    for (size_t i = 0; i < len; i++) printf("%02x", bytes[i]);
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s <plaza url> <title id> <app key> <player token>\n", argv[0]);
        return 2;
    }
    PlazaClientOptions options = {0};
    options.base_url = argv[1];
    options.title_id = argv[2];
    options.app_key = argv[3];
    options.player_token = argv[4];
    options.timeout_ms = 10000;
    PlazaClient *client = NULL;
    PlazaStatus status = plaza_client_new(&options, &client);
    if (status != PLAZA_STATUS_OK) return fail("plaza_client_new", status);

    /* A painting: paper with a black frame and a diagonal stroke. */
    static uint8_t rgba[320 * 120 * 4];
    for (int y = 0; y < 120; y++) {
        for (int x = 0; x < 320; x++) {
            int ink = x < 4 || x >= 316 || y < 4 || y >= 116 || (x / 3 == y + 40);
            uint8_t *px = &rgba[(y * 320 + x) * 4];
            px[0] = px[1] = px[2] = ink ? 0 : 255;
            px[3] = 255;
        }
    }
    uint8_t *painting = NULL;
    size_t painting_len = 0;
    status = plaza_painting_from_rgba(rgba, sizeof rgba, &painting, &painting_len);
    if (status != PLAZA_STATUS_OK) return fail("plaza_painting_from_rgba", status);

    /* The game's own bytes: a level number, a NUL, and bytes that are not text. */
    const uint8_t app_data[] = {'l', 'e', 'v', 'e', 'l', '=', '7', 0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff};
    const char *search_keys[] = {"level7", "speedrun"};

    PlazaNewPost post = {0};
    post.body = "Drawn in the game";
    post.feeling = 1;
    post.painting = painting;
    post.painting_len = painting_len;
    post.app_data = app_data;
    post.app_data_len = sizeof app_data;
    post.search_keys = search_keys;
    post.search_keys_len = 2;
    post.is_app_jumpable = true;
    PlazaPost *made = NULL;
    status = plaza_post_create(client, &post, &made);
    plaza_bytes_free(painting, painting_len);
    if (status != PLAZA_STATUS_OK) return fail("plaza_post_create", status);
    printf("posted %lld by %s in community %lld\n", (long long)made->id, made->author_username,
           (long long)made->community_id);
    printf("drawing %s\n", made->drawing_url ? made->drawing_url : "(none)");
    printf("app_data %zu bytes ", made->app_data_len);
    print_hex(made->app_data, made->app_data_len);
    printf("\n");
    int64_t me = made->author_id;
    plaza_post_free(made);

    PlazaPostList *list = NULL;
    status = plaza_posts_list(client, NULL, &list);
    if (status != PLAZA_STATUS_OK) return fail("plaza_posts_list", status);
    printf("title posts %zu\n", list->len);
    long long other = 0;
    for (size_t i = 0; i < list->len; i++) {
        const PlazaPost *p = &list->posts[i];
        printf("post %lld by %s: \"%s\" yeahs %lld app_data %zu bytes%s\n", (long long)p->id,
               p->author_username, p->body, (long long)p->yeah_count, p->app_data_len,
               p->is_app_jumpable ? " (open in game)" : "");
        if (other == 0 && p->author_id != me && !p->yeahed_by_me) other = p->id;
    }
    plaza_post_list_free(list);

    if (other != 0) {
        int64_t yeahs = 0;
        status = plaza_yeah(client, other, true, &yeahs);
        if (status != PLAZA_STATUS_OK) return fail("plaza_yeah", status);
        printf("yeah %lld now %lld\n", other, (long long)yeahs);
    } else {
        printf("no post by someone else to give a Yeah\n");
    }

    plaza_client_free(client);
    return 0;
}
