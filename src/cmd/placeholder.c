int nerdc_cmd_placeholder_;
