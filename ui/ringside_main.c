/* The ringside executable: everything lives in ui/main.c. */
#include "ui.h"

int main(int argc, char **argv, char **envp) { return ui_main(argc, argv, envp); }
