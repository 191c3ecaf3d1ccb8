/* Closed-form lifetime value from C.
 * Build: cc clv.c $(pkg-config --cflags --libs libcxm) -o clv */
#include <stdio.h>

#include <cxm.h>

int main(void)
{
    double value;
    if (cxm_clv_retention(&value, 100, 0.8, 0.12, CXM_CASH_END) != CXM_OK) {
        fprintf(stderr, "clv: %s\n", cxm_error_message());
        return 1;
    }
    printf("CLV at 80%% retention: %g\n", value);

    double margin[3] = { 100, 100, 100 }, retention[3] = { 0.80, 0.85, 0.90 };
    double discount[3] = { 0.12, 0.12, 0.12 }, values[3];
    if (cxm_clv_retention_many(values, 3, margin, retention, discount, CXM_CASH_END) != CXM_OK) {
        fprintf(stderr, "clv: %s\n", cxm_error_message());
        return 1;
    }
    for (int i = 0; i < 3; i++)
        printf("retention %.2f -> %.6f\n", retention[i], values[i]);

    int status = cxm_clv_retention(&value, 100, 1.5, 0.12, CXM_CASH_END);
    printf("retention 1.5 -> %s: %s\n", cxm_strerror(status), cxm_error_message());
    return 0;
}
