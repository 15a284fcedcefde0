#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H
// The wide-character API must be switched on before the header is included.
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>
// Swift 6 cannot read curses' C globals or expand its function-like macros: wrap them.
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }
static inline int cn_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline int cn_key_resize(void) { return KEY_RESIZE; }
static inline int cn_a_bold(void) { return (int)A_BOLD; }
static inline int cn_a_reverse(void) { return (int)A_REVERSE; }
static inline int cn_a_dim(void) { return (int)A_DIM; }
// initscr() prints an error and exits when TERM is unknown; newterm() returns NULL instead, so the caller can explain.
// With keys_from_tty, keys come from /dev/tty (standard input carries the recording: `cat f | rtscope view -`).
static inline SCREEN *cn_newterm(int keys_from_tty) {
    FILE *in = stdin;
    if (keys_from_tty) {
        in = fopen("/dev/tty", "r");
        if (in == NULL) return NULL;
    }
    return newterm(NULL, stdout, in);
}
#endif
