int nerdc_ctd_placeholder_;
