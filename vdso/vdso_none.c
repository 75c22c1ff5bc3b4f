/* Placeholder translation unit so rs_vdso is never empty; the 64-bit vDSO arrives with its issue. */
int ringside_vdso_placeholder;
