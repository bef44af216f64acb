/* Word lists of the order generator (seed_data.c). */
#ifndef APILO_SANDBOX_SEED_DATA_H
#define APILO_SANDBOX_SEED_DATA_H

typedef struct sbx_country {
    const char *code;         /* ISO 3166 alpha-2 */
    const char *currency;     /* what customers of this country usually pay in */
    int weight;               /* share of generated customers, in percent */
    const char *zip_format;   /* N = digit (the city's prefix first), A = capital letter */
    const char *phone_format; /* N = digit, P = one of phone_leads */
    const char *phone_leads;
    const char *male_names;
    const char *female_names;
    const char *surnames; /* "male/female" or one form for both */
    const char *cities;   /* "City:zip prefix" */
    const char *streets;
    const char *email_domains;
} sbx_country;

typedef struct sbx_product {
    const char *name;
    long gross_pln_cents;
    int tax_percent;
    const char *unit;
} sbx_product;

extern const sbx_country sbx_countries[];
extern const int sbx_country_count;
extern const sbx_product sbx_products[];
extern const int sbx_product_count;
extern const char *const sbx_note_texts[];
extern const int sbx_note_text_count;

#endif
